using System.Text.Json;

namespace StellaOps.Ops.IntegrationTests;

/// <summary>
/// The probe client (tests/StellaOps.Ops.ProbeClient) run as another real Unix user against a daemon's socket: what a
/// reader, an operator or a stranger gets. It prints one JSON line {ok, role, user, value, code, message}.
/// </summary>
internal static class ProbeClient
{
    /// <summary>Copies the probe under <paramref name="root"/>: the test users cannot read the build tree under /root or /work.</summary>
    public static string CopyTo(string root)
    {
        var target = Path.Combine(root, "probe");
        Directory.CreateDirectory(target);
        foreach (var file in Directory.GetFiles(RepoPaths.ProbeDirectory))
            File.Copy(file, Path.Combine(target, Path.GetFileName(file)), overwrite: true);
        foreach (var path in Directory.GetFileSystemEntries(target).Append(target))
            File.SetUnixFileMode(path, (UnixFileMode)Convert.ToInt32(Directory.Exists(path) ? "755" : "644", 8));
        return Path.Combine(target, "StellaOps.Ops.ProbeClient.dll");
    }

    /// <summary>Runs the probe copied by <see cref="CopyTo"/> as <paramref name="user"/> and returns its JSON line.</summary>
    public static JsonElement Run(string probe, string user, string endpoint, params string[] args)
    {
        var (_, output) = UnixAccounts.RunAs(user, "dotnet", [probe, endpoint, .. args]);
        var line = output.Split('\n').FirstOrDefault(l => l.StartsWith('{'))
                   ?? throw new InvalidOperationException($"The probe printed no result:\n{output}");
        return JsonDocument.Parse(line).RootElement.Clone();
    }
}
