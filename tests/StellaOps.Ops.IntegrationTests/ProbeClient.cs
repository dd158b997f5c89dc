using System.Diagnostics;
using System.Text.Json;

namespace StellaOps.Ops.IntegrationTests;

/// <summary>
/// The probe program (tests/StellaOps.Ops.ProbeClient) copied where other Unix users can read it, run as one of
/// them: a client with real peer credentials, or a hostile user's fake server on the daemon's socket path.
/// </summary>
internal sealed class ProbeClient
{
    private ProbeClient(string dll) => Dll = dll;

    public string Dll { get; }

    /// <summary>Copies the probe below <paramref name="root"/>: the test users cannot read the build tree under /root or /work.</summary>
    public static ProbeClient CopyTo(string root)
    {
        var target = Path.Combine(root, "probe");
        Directory.CreateDirectory(target);
        foreach (var file in Directory.GetFiles(RepoPaths.ProbeDirectory))
            File.Copy(file, Path.Combine(target, Path.GetFileName(file)), overwrite: true);
        foreach (var path in Directory.GetFileSystemEntries(target).Append(target))
            File.SetUnixFileMode(path, (UnixFileMode)Convert.ToInt32(Directory.Exists(path) ? "755" : "644", 8));
        return new ProbeClient(Path.Combine(target, "StellaOps.Ops.ProbeClient.dll"));
    }

    /// <summary>Runs the probe as <paramref name="user"/> and returns the JSON line it printed.</summary>
    public JsonElement Run(string user, string[] args, IReadOnlyDictionary<string, string>? environment = null)
    {
        var (_, output) = UnixAccounts.RunAs(user, environment ?? new Dictionary<string, string>(), "dotnet", [Dll, .. args]);
        return JsonLine(output);
    }

    /// <summary>Starts a fake server as <paramref name="user"/> on <paramref name="socketPath"/> and returns once it listens.</summary>
    public FakeServerProcess StartFakeServer(string user, string socketPath)
    {
        var p = UnixAccounts.StartAs(user, new Dictionary<string, string>(), "dotnet", Dll, "fake-server", socketPath);
        var first = p.StandardOutput.ReadLine();
        if (first != "listening")
        {
            p.Kill(true);
            throw new InvalidOperationException($"The fake server did not start: {first}\n{p.StandardError.ReadToEnd()}");
        }
        return new FakeServerProcess(p);
    }

    internal static JsonElement JsonLine(string output)
    {
        var line = output.Split('\n').FirstOrDefault(l => l.StartsWith('{'))
                   ?? throw new InvalidOperationException($"The probe printed no result:\n{output}");
        return JsonDocument.Parse(line).RootElement.Clone();
    }
}

/// <summary>A running fake server: <see cref="Received"/> waits for its report of what the one client sent.</summary>
internal sealed class FakeServerProcess(Process process) : IDisposable
{
    public JsonElement Received()
    {
        var output = process.StandardOutput.ReadToEnd();
        if (!process.WaitForExit(60_000)) throw new TimeoutException($"The fake server did not finish:\n{output}");
        return ProbeClient.JsonLine(output);
    }

    public void Dispose()
    {
        if (!process.HasExited) process.Kill(true);
        process.Dispose();
    }
}
