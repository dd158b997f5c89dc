using System.Diagnostics;
using System.Text.Json;
using System.Threading.Channels;

namespace StellaOps.Ops.IntegrationTests;

/// <summary>
/// The probe client (tests/StellaOps.Ops.ProbeClient) running as another Unix user (setpriv, with that user's
/// groups), read line by line while it runs: the hostile clients print <c>{"ready":…}</c> once their connections
/// are open, so a test can act while they hold them.
/// </summary>
internal sealed class ProbeProcess : IDisposable
{
    private readonly Process _process;
    private readonly Channel<string> _lines = Channel.CreateUnbounded<string>();
    private readonly List<string> _all = [];

    private ProbeProcess(Process process)
    {
        _process = process;
        _process.OutputDataReceived += (_, e) => Received(e.Data);
        _process.ErrorDataReceived += (_, e) => Received(e.Data);
        _process.BeginOutputReadLine();
        _process.BeginErrorReadLine();
    }

    public string Output { get { lock (_all) return string.Join('\n', _all); } }

    public static ProbeProcess Start(string user, string probe, string endpoint, params string[] args)
    {
        var psi = new ProcessStartInfo("setpriv") { RedirectStandardOutput = true, RedirectStandardError = true };
        foreach (var a in new[] { $"--reuid={user}", $"--regid={user}", "--init-groups", "--", "dotnet", probe, endpoint }.Concat(args)) psi.ArgumentList.Add(a);
        psi.Environment["HOME"] = "/tmp";
        psi.Environment["DOTNET_CLI_TELEMETRY_OPTOUT"] = "1";
        return new ProbeProcess(Process.Start(psi)!);
    }

    /// <summary>Runs the probe to its end and returns every JSON line it printed.</summary>
    public static async Task<JsonElement[]> RunAsync(string user, string probe, string endpoint, params string[] args)
    {
        using var p = Start(user, probe, endpoint, args);
        return await p.CompleteAsync(TimeSpan.FromMinutes(3));
    }

    /// <summary>The next JSON line, within the time (the probe's output so far is in the failure).</summary>
    public async Task<JsonElement> NextAsync(TimeSpan within)
    {
        using var cts = new CancellationTokenSource(within);
        try
        {
            while (true)
            {
                var line = await _lines.Reader.ReadAsync(cts.Token);
                if (line.StartsWith('{')) return JsonDocument.Parse(line).RootElement.Clone();
            }
        }
        catch (Exception ex) when (ex is OperationCanceledException or ChannelClosedException)
        {
            throw new InvalidOperationException($"The probe printed no result within {within}:\n{Output}");
        }
    }

    /// <summary>Waits for the probe to exit; the JSON lines it printed that were not read yet.</summary>
    public async Task<JsonElement[]> CompleteAsync(TimeSpan within)
    {
        using var cts = new CancellationTokenSource(within);
        try { await _process.WaitForExitAsync(cts.Token); }
        catch (OperationCanceledException) { throw new TimeoutException($"The probe did not finish within {within}:\n{Output}"); }
        _process.WaitForExit(); // flushes the asynchronous readers
        var result = new List<JsonElement>();
        while (_lines.Reader.TryRead(out var line))
            if (line.StartsWith('{')) result.Add(JsonDocument.Parse(line).RootElement.Clone());
        return [.. result];
    }

    private void Received(string? line)
    {
        if (line is null) return;
        lock (_all) _all.Add(line);
        _lines.Writer.TryWrite(line);
    }

    public void Dispose()
    {
        try { if (!_process.HasExited) _process.Kill(true); } catch (InvalidOperationException) { }
        _process.Dispose();
    }
}
