using System.Diagnostics;
using System.Runtime.InteropServices;
using StellaOps.Ops.Contracts.Unix;

namespace StellaOps.Ops.TestSupport;

/// <summary>
/// A <c>p11-kit server</c> exporting one SoftHSM2 token on a unix socket unique to this instance, started detached
/// with <c>setsid</c> so it leads its own process group (its per-connection children included). Clients load
/// <see cref="ClientLibraryPath"/> with <see cref="EnvironmentVariables"/> (P11_KIT_SERVER_ADDRESS) in their native
/// environment.
/// </summary>
/// <remarks>
/// <see cref="Kill"/> SIGKILLs the whole group: clients then get CKR_DEVICE_ERROR until they fully reload the module.
/// <see cref="Stop"/> SIGSTOPs it: client calls hang until <see cref="Continue"/>.
/// </remarks>
public sealed partial class P11KitServer : IDisposable
{
    public const string ClientLibraryPath = "/usr/lib/x86_64-linux-gnu/pkcs11/p11-kit-client.so";
    public const string ServerProgram = "p11-kit";

    private const int SIGKILL = 9;
    private const int SIGCONT = 18;
    private const int SIGSTOP = 19;

    private readonly object _lock = new();
    private readonly string _socketDir;
    private Process? _process;
    private bool _disposed;

    private P11KitServer(SoftHsmToken token)
    {
        Token = token;
        _socketDir = Path.Combine(Path.GetTempPath(), "p11s-" + Guid.NewGuid().ToString("N")[..10]);
        Directory.CreateDirectory(_socketDir);
        SocketPath = Path.Combine(_socketDir, "pkcs11.sock");
    }

    public SoftHsmToken Token { get; }
    public string SocketPath { get; }
    /// <summary>The value of P11_KIT_SERVER_ADDRESS for clients.</summary>
    public string Address => "unix:path=" + SocketPath;
    /// <summary>Environment a client process needs (P11_KIT_SERVER_ADDRESS).</summary>
    public IReadOnlyDictionary<string, string> EnvironmentVariables => new Dictionary<string, string> { ["P11_KIT_SERVER_ADDRESS"] = Address };
    /// <summary>Process id (= process group id) of the running server, or null.</summary>
    public int? ProcessGroupId { get { lock (_lock) { return _process is { HasExited: false } p ? p.Id : null; } } }
    public bool IsRunning => ProcessGroupId is not null;

    /// <summary>Starts a server for the token (module <see cref="SoftHsmToken.LibraryPath"/>).</summary>
    public static P11KitServer Start(SoftHsmToken token)
    {
        var server = new P11KitServer(token);
        try
        {
            server.StartProcess();
        }
        catch
        {
            server.Dispose();
            throw;
        }

        return server;
    }

    private void StartProcess()
    {
        lock (_lock)
        {
            if (File.Exists(SocketPath))
            {
                File.Delete(SocketPath);
            }

            var psi = new ProcessStartInfo("setsid")
            {
                UseShellExecute = false,
                RedirectStandardOutput = true,
                RedirectStandardError = true,
                RedirectStandardInput = true,
            };
            foreach (var a in new[] { ServerProgram, "server", "-f", "--provider", Token.LibraryPath, "-n", SocketPath, $"pkcs11:token={Token.Label}" })
            {
                psi.ArgumentList.Add(a);
            }

            foreach (var (k, v) in Token.EnvironmentVariables)
            {
                psi.Environment[k] = v;
            }

            var p = Process.Start(psi) ?? throw new InvalidOperationException("Could not start p11-kit server.");
            p.OutputDataReceived += (_, _) => { };
            p.ErrorDataReceived += (_, _) => { };
            p.BeginOutputReadLine();
            p.BeginErrorReadLine();
            _process = p;

            // Ready means accepting, not just bound: the socket file appears at bind(), before listen(), and a
            // client connecting in between is refused (measured: 12 of 300 starts here), which a p11-kit client
            // reports as a module with no slots.
            var deadline = Stopwatch.StartNew();
            while (!UnixSocketProbe.Answers(SocketPath))
            {
                if (p.HasExited)
                {
                    throw new InvalidOperationException($"p11-kit server exited with {p.ExitCode} before listening on {SocketPath}.");
                }

                if (deadline.Elapsed > TimeSpan.FromSeconds(10))
                {
                    throw new TimeoutException($"p11-kit server did not listen on {SocketPath} in 10 s.");
                }

                Thread.Sleep(10);
            }

            // setsid only forks when the caller already leads a process group; a child of .NET does not, so the
            // pid we know is the group id. Verify it.
            int pgid = GetPgid(p.Id);
            if (pgid != p.Id)
            {
                throw new InvalidOperationException($"p11-kit server pid {p.Id} is not its own process group leader (pgid {pgid}).");
            }
        }
    }

    /// <summary>SIGKILLs the server's whole process group and waits for it to exit.</summary>
    public void Kill()
    {
        lock (_lock)
        {
            if (_process is not { } p)
            {
                return;
            }

            if (!p.HasExited)
            {
                _ = KillNative(-p.Id, SIGKILL);
                p.WaitForExit(5000);
            }

            p.Dispose();
            _process = null;
        }
    }

    /// <summary>SIGSTOPs the whole process group: clients' calls hang.</summary>
    public void Stop() => Signal(SIGSTOP);

    /// <summary>SIGCONTs the whole process group.</summary>
    public void Continue() => Signal(SIGCONT);

    /// <summary>Kills the server (if running) and starts a new one on the same socket path.</summary>
    public void Restart()
    {
        Kill();
        StartProcess();
    }

    private void Signal(int signal)
    {
        lock (_lock)
        {
            if (_process is { HasExited: false } p && KillNative(-p.Id, signal) != 0)
            {
                throw new InvalidOperationException($"kill(-{p.Id}, {signal}) failed with errno {Marshal.GetLastPInvokeError()}.");
            }
        }
    }

    [LibraryImport("libc", EntryPoint = "kill", SetLastError = true)]
    private static partial int KillNative(int pid, int signal);

    [LibraryImport("libc", EntryPoint = "getpgid", SetLastError = true)]
    private static partial int GetPgid(int pid);

    public void Dispose()
    {
        if (_disposed)
        {
            return;
        }

        _disposed = true;
        try
        {
            Continue();
        }
        catch (InvalidOperationException)
        {
        }

        Kill();
        try
        {
            Directory.Delete(_socketDir, recursive: true);
        }
        catch (IOException)
        {
        }
    }

    public override string ToString() => $"P11KitServer(token={Token.Label}, address={Address}, pgid={ProcessGroupId})";
}
