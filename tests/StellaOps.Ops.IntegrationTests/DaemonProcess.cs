using System.Diagnostics;
using System.Runtime.InteropServices;
using System.Text;
using StellaOps.Ops.Contracts.Client;

namespace StellaOps.Ops.IntegrationTests;

/// <summary>
/// The real stella-opsd as a child process on its own socket and state directory. Kill() is SIGKILL,
/// Stop() is SIGTERM and waits: the tests exercise exactly what systemd does.
/// </summary>
public sealed partial class DaemonProcess : IAsyncDisposable
{
    private readonly StringBuilder _output = new();
    private Process? _process;

    public DaemonProcess(string? root = null, IReadOnlyDictionary<string, string>? settings = null)
    {
        Root = root ?? Directory.CreateTempSubdirectory("stellaops-it-").FullName;
        Settings = settings ?? new Dictionary<string, string>();
    }

    public string Root { get; }
    public string Endpoint => Path.Combine(Root, "run", "opsd.sock");
    public string StateDirectory => Path.Combine(Root, "state");
    public string DatabasePath => Path.Combine(StateDirectory, "opsd.db");
    public IReadOnlyDictionary<string, string> Settings { get; }
    public int ProcessId => _process?.Id ?? 0;
    public string Output { get { lock (_output) return _output.ToString(); } }
    public bool HasExited => _process?.HasExited ?? true;
    public int ExitCode => _process!.ExitCode;

    public static async Task<DaemonProcess> StartNewAsync(IReadOnlyDictionary<string, string>? settings = null)
    {
        var d = new DaemonProcess(settings: settings);
        await d.StartAsync();
        return d;
    }

    /// <summary>Starts the process and waits until a client completes a handshake.</summary>
    public async Task StartAsync()
    {
        StartProcess();
        var deadline = Stopwatch.StartNew();
        while (true)
        {
            if (_process!.HasExited)
                throw new InvalidOperationException($"stella-opsd exited with {_process.ExitCode} during start:\n{Output}");
            if (File.Exists(Endpoint))
            {
                try
                {
                    await using var c = await ConnectAsync();
                    return;
                }
                catch (Exception) when (deadline.Elapsed < TimeSpan.FromSeconds(30)) { }
            }
            if (deadline.Elapsed > TimeSpan.FromSeconds(30))
                throw new TimeoutException($"stella-opsd did not become ready in 30 s:\n{Output}");
            await Task.Delay(25);
        }
    }

    /// <summary>Starts the process without waiting (for tests that expect it to refuse to start).</summary>
    public void StartProcess()
    {
        var psi = new ProcessStartInfo(RepoPaths.Daemon)
        {
            RedirectStandardOutput = true,
            RedirectStandardError = true,
            UseShellExecute = false,
        };
        psi.ArgumentList.Add("--endpoint");
        psi.ArgumentList.Add(Endpoint);
        psi.ArgumentList.Add("--state-dir");
        psi.ArgumentList.Add(StateDirectory);
        psi.ArgumentList.Add("--config");
        psi.ArgumentList.Add(Path.Combine(Root, "opsd.json"));
        foreach (var (k, v) in Settings) psi.ArgumentList.Add($"--{k}={v}");
        // The daemon must not pick up a developer's environment.
        foreach (var key in psi.Environment.Keys.Where(k => k.StartsWith("STELLAOPS_", StringComparison.Ordinal)).ToList()) psi.Environment.Remove(key);
        _process = Process.Start(psi)!;
        _process.OutputDataReceived += (_, e) => { if (e.Data is not null) lock (_output) _output.AppendLine(e.Data); };
        _process.ErrorDataReceived += (_, e) => { if (e.Data is not null) lock (_output) _output.AppendLine(e.Data); };
        _process.BeginOutputReadLine();
        _process.BeginErrorReadLine();
    }

    /// <summary>
    /// Starts the daemon expecting it to refuse: it must exit non-zero before its socket (<paramref name="endpoint"/>,
    /// default its own) appears. Fails at once if the socket appears; returns everything the daemon printed.
    /// </summary>
    public async Task<string> AssertRefusesToStartAsync(string? endpoint = null)
    {
        endpoint ??= Endpoint;
        StartProcess();
        var waited = Stopwatch.StartNew();
        while (!HasExited)
        {
            if (File.Exists(endpoint)) Assert.Fail($"stella-opsd started, listening on {endpoint}:\n{Output}");
            if (waited.Elapsed > TimeSpan.FromSeconds(60)) Assert.Fail($"stella-opsd neither exited nor listened within 60 s:\n{Output}");
            await Task.Delay(25);
        }
        // Also waits for the last of its output.
        var exit = await WaitForExitAsync(TimeSpan.FromSeconds(30));
        Assert.True(exit != 0, $"stella-opsd exited with 0:\n{Output}");
        return Output;
    }

    public Task<OpsClient> ConnectAsync() => OpsClient.ConnectAsync(Endpoint, "integration-tests", "1", TimeSpan.FromSeconds(10), CancellationToken.None);

    public async Task<int> WaitForExitAsync(TimeSpan timeout)
    {
        using var cts = new CancellationTokenSource(timeout);
        await _process!.WaitForExitAsync(cts.Token);
        return _process.ExitCode;
    }

    /// <summary>SIGTERM, then wait for the process to exit by itself.</summary>
    public async Task<int> StopAsync(TimeSpan? timeout = null)
    {
        if (_process is null || _process.HasExited) return _process?.ExitCode ?? 0;
        Signal(_process.Id, 15);
        return await WaitForExitAsync(timeout ?? TimeSpan.FromSeconds(30));
    }

    /// <summary>SIGKILL: no shutdown code runs, exactly like a crash or power loss of the process.</summary>
    public void Kill()
    {
        if (_process is null || _process.HasExited) return;
        Signal(_process.Id, 9);
        _process.WaitForExit();
    }

    public async ValueTask DisposeAsync()
    {
        try
        {
            if (_process is { HasExited: false })
            {
                try { await StopAsync(TimeSpan.FromSeconds(10)); }
                catch (OperationCanceledException) { Kill(); }
            }
        }
        finally
        {
            _process?.Dispose();
            try { Directory.Delete(Root, recursive: true); } catch (IOException) { } catch (UnauthorizedAccessException) { }
        }
    }

    [LibraryImport("libc", EntryPoint = "kill", SetLastError = true)]
    private static partial int SysKill(int pid, int signal);

    public static void Signal(int pid, int signal)
    {
        if (SysKill(pid, signal) != 0) throw new InvalidOperationException($"kill({pid}, {signal}) failed: errno {Marshal.GetLastPInvokeError()}");
    }
}
