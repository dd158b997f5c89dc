using StellaOps.Ops.Contracts;
using StellaOps.Ops.Tuf;

// The tuf-conformance client CLI (CLIENT-CLI.md of theupdateframework/tuf-conformance):
//   --metadata-dir D init ROOT
//   --metadata-dir D --metadata-url U refresh
//   --metadata-dir D --metadata-url U --target-name T [--target-name T2 …] --target-base-url B --target-dir O download
// Exit 0 when the command succeeded fully, 1 otherwise; the reason goes to stderr.
return await ConformanceCli.RunAsync(args);

internal static class ConformanceCli
{
    public static async Task<int> RunAsync(string[] args)
    {
        string? metadataDir = null, metadataUrl = null, targetBaseUrl = null, targetDir = null, command = null;
        var targets = new List<string>();
        var positional = new List<string>();
        for (var i = 0; i < args.Length; i++)
        {
            string Value() => i + 1 < args.Length ? args[++i] : throw new ArgumentException($"{args[i]} needs a value");
            switch (args[i])
            {
                case "--metadata-dir": metadataDir = Value(); break;
                case "--metadata-url": metadataUrl = Value(); break;
                case "--target-name": targets.Add(Value()); break;
                case "--target-base-url": targetBaseUrl = Value(); break;
                case "--target-dir": targetDir = Value(); break;
                default:
                    if (command is null && args[i] is "init" or "refresh" or "download") command = args[i];
                    else positional.Add(args[i]);
                    break;
            }
        }
        try
        {
            if (metadataDir is null) return Fail("--metadata-dir is required");
            switch (command)
            {
                case "init":
                    if (positional.Count != 1) return Fail("init needs the trusted root file");
                    TufUpdater.Initialize(metadataDir, File.ReadAllBytes(positional[0]), overwrite: true);
                    return 0;
                case "refresh":
                    if (metadataUrl is null) return Fail("refresh needs --metadata-url");
                    using (var updater = New(metadataDir, metadataUrl, null, null))
                        await updater.RefreshAsync();
                    return 0;
                case "download":
                    if (metadataUrl is null || targetBaseUrl is null || targetDir is null || targets.Count == 0)
                        return Fail("download needs --metadata-url, --target-name, --target-base-url and --target-dir");
                    Directory.CreateDirectory(targetDir);
                    using (var updater = New(metadataDir, metadataUrl, targetBaseUrl, targetDir))
                    {
                        await updater.RefreshAsync();
                        foreach (var name in targets)
                        {
                            var info = await updater.GetTargetInfoAsync(name);
                            if (await updater.FindCachedTargetAsync(info) is null) await updater.DownloadTargetAsync(info);
                        }
                    }
                    return 0;
                default:
                    return Fail("the command must be init, refresh or download");
            }
        }
        catch (OpsException e)
        {
            return Fail($"{e.Code}: {e.Message}");
        }
        catch (Exception e) when (e is IOException or UnauthorizedAccessException or ArgumentException or InvalidOperationException)
        {
            return Fail(e.Message);
        }
    }

    // The suite moves the clock with faketime in both directions between runs, so the client's clock-rollback guard
    // (which a real deployment keeps) is off here; every check of the specification stays on.
    private static TufUpdater New(string metadataDir, string metadataUrl, string? targetBaseUrl, string? targetDir) => new(new TufUpdaterOptions
    {
        MetadataDirectory = metadataDir,
        MetadataBaseUrl = metadataUrl,
        TargetBaseUrl = targetBaseUrl,
        TargetDirectory = targetDir,
        RefuseClockRollback = false,
    });

    private static int Fail(string message)
    {
        Console.Error.WriteLine($"stella-tuf-conformance: {message}");
        return 1;
    }
}
