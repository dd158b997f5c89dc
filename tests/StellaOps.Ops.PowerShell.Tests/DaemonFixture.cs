using System.Diagnostics;
using System.Runtime.InteropServices;
using StellaOps.Ops.Contracts.Client;

namespace StellaOps.Ops.PowerShell.Tests;

/// <summary>A real stella-opsd on a temporary socket and state directory, stopped with SIGTERM.</summary>
public sealed partial class DaemonFixture : IDisposable
{
    public DaemonFixture()
    {
        Root = Path.Combine(Path.GetTempPath(), "sopx-" + Guid.NewGuid().ToString("n")[..10]);
        Directory.CreateDirectory(Path.Combine(Root, "state"));
        Endpoint = Path.Combine(Root, "opsd.sock");
        var psi = new ProcessStartInfo(FindDaemon())
        {
            UseShellExecute = false,
            RedirectStandardOutput = true,
            RedirectStandardError = true,
        };
        foreach (var a in new[] { "--endpoint", Endpoint, "--state-dir", Path.Combine(Root, "state") }) psi.ArgumentList.Add(a);
        Process = Process.Start(psi)!;
        Process.OutputDataReceived += (_, _) => { };
        Process.ErrorDataReceived += (_, _) => { };
        Process.BeginOutputReadLine();
        Process.BeginErrorReadLine();

        var deadline = DateTime.UtcNow.AddSeconds(30);
        while (true)
        {
            if (Process.HasExited) throw new InvalidOperationException($"stella-opsd exited with {Process.ExitCode}");
            try
            {
                using var c = OpsClient.ConnectAsync(Endpoint, "tests", "0", TimeSpan.FromSeconds(2), CancellationToken.None).GetAwaiter().GetResult();
                break;
            }
            catch (Exception) when (DateTime.UtcNow < deadline)
            {
                Thread.Sleep(100);
            }
        }
    }

    public string Root { get; }
    public string Endpoint { get; }
    public Process Process { get; }

    private static string FindDaemon()
    {
        var fromEnv = Environment.GetEnvironmentVariable("STELLAOPS_DAEMON_PATH");
        if (!string.IsNullOrEmpty(fromEnv) && File.Exists(fromEnv)) return fromEnv;
        var dir = new DirectoryInfo(AppContext.BaseDirectory);
        while (dir is not null && !File.Exists(Path.Combine(dir.FullName, "StellaOps.Ops.sln"))) dir = dir.Parent;
        if (dir is null) throw new InvalidOperationException("Repository root not found; set STELLAOPS_DAEMON_PATH.");
        var candidates = new[]
        {
            Path.Combine(dir.FullName, "out/daemon/stella-opsd"),
            Path.Combine(dir.FullName, "daemon/StellaOps.Ops.Daemon/bin/Release/net10.0/stella-opsd"),
            Path.Combine(dir.FullName, "daemon/StellaOps.Ops.Daemon/bin/Debug/net10.0/stella-opsd"),
        };
        return candidates.Where(File.Exists).OrderByDescending(File.GetLastWriteTimeUtc).FirstOrDefault()
            ?? throw new InvalidOperationException("stella-opsd not built; set STELLAOPS_DAEMON_PATH.");
    }

    [LibraryImport("libc", EntryPoint = "kill", SetLastError = true)]
    private static partial int Kill(int pid, int signal);

    public void Dispose()
    {
        if (!Process.HasExited)
        {
            Kill(Process.Id, 15); // SIGTERM: the daemon shuts down cleanly
            if (!Process.WaitForExit(10_000)) Process.Kill(true);
        }
        Process.Dispose();
        try { Directory.Delete(Root, true); } catch (IOException) { }
    }
}
