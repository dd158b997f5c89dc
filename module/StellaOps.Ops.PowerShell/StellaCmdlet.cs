using System.Management.Automation;
using StellaOps.Ops.Contracts;
using StellaOps.Ops.Contracts.Client;
using StellaOps.Ops.Contracts.Rpc;
using StellaOps.Ops.PowerShell.Pipeline;

namespace StellaOps.Ops.PowerShell;

/// <summary>
/// Base of every cmdlet that talks to the daemon. It owns three things so the cmdlets do not:
/// the connection (cached per runspace and endpoint, reconnected once when it died), running an async RPC on
/// the pipeline thread (Ctrl+C cancels the request on the daemon; progress callbacks become Write-Progress on
/// the pipeline thread), and turning <see cref="OpsException"/> into an <see cref="ErrorRecord"/>.
/// A new cmdlet derives from it and calls <see cref="Invoke{T}"/> with one RPC.
/// </summary>
public abstract class StellaCmdlet : PSCmdlet
{
    private readonly CancellationTokenSource _stopping = new();
    private int _progressId;
    private bool? _verboseWanted;

    /// <summary>The daemon's socket (Linux) or pipe (Windows). Default: $env:STELLAOPS_ENDPOINT, then the installed daemon, then the per-user development socket.</summary>
    [Parameter]
    [ValidateNotNullOrEmpty]
    public string? Endpoint { get; set; }

    /// <summary>Where this cmdlet waits for async work and runs what it posts back (progress): its pipeline thread.</summary>
    internal PipelineThread PipelineThread { get; } = new();

    /// <summary>Cancelled when the user presses Ctrl+C (StopProcessing) or the pipeline is stopped.</summary>
    protected internal CancellationToken StopToken => _stopping.Token;

    /// <summary>The connection, cached per runspace and endpoint (<see cref="ConnectionCache"/>): for work that starts many calls itself (<see cref="Pipeline.RequestPipeline{TRequest, TAnswer}"/>).</summary>
    internal OpsClient Connection() => Invoke((c, _, _) => Task.FromResult(c));

    /// <summary>The endpoint this cmdlet talks to, as the client resolves it (for error messages).</summary>
    internal string ResolvedEndpoint => Protocol.ResolveClientEndpoint(Endpoint);

    protected override void StopProcessing() => _stopping.Cancel();

    protected override void EndProcessing()
    {
        base.EndProcessing();
        _stopping.Dispose();
    }

    /// <summary>
    /// Runs one RPC on the cached connection and waits for it on the pipeline thread. Progress reported by the
    /// daemon is written with WriteProgress under <paramref name="activity"/>. A connection that turns out to be
    /// dead is replaced once; an <see cref="OpsException"/> is rethrown for the caller to turn into an error
    /// (<see cref="WriteOpsError"/> or <see cref="ThrowOpsError"/>), except that a daemon that cannot be reached
    /// ends the command with a terminating error.
    /// </summary>
    protected T Invoke<T>(Func<OpsClient, IProgress<OperationProgress>?, CancellationToken, Task<T>> call, string? activity = null)
    {
        var endpoint = Protocol.ResolveClientEndpoint(Endpoint);
        for (var attempt = 0; ; attempt++)
        {
            OpsClient client;
            bool reused;
            try
            {
                // Started here, not on the thread pool: the cache is per runspace (Runspace.DefaultRunspace is per thread),
                // and the argument completers look the connection up on this runspace's thread.
                var connecting = ConnectionCache.GetWithOriginAsync(Endpoint, _stopping.Token);
                (client, reused) = RunOnPipeline(_ => connecting, null);
            }
            catch (OpsException ex)
            {
                ThrowOpsError(ex);
                throw; // unreachable
            }

            // -Verbose narrates every command, readers' included: which daemon it asks, and as whom.
            if (attempt == 0)
                WriteVerbose($"{MyInvocation.MyCommand.Name}: asking the StellaOps daemon at {client.Endpoint} as {client.Handshake.Caller.UserName} ({client.Handshake.Caller.Role}){(reused ? "" : ", newly connected")}.");
            try
            {
                return RunOnPipeline((progress, ct) => call(client, progress, ct), activity);
            }
            catch (Exception ex) when (ex is not PipelineStoppedException && !_stopping.IsCancellationRequested)
            {
                var translated = OpsClient.Translate(ex, endpoint);
                // A cached connection whose daemon restarted: drop it and try exactly once more on a fresh one.
                if (translated is OpsException { Code: OpsErrorCode.Unavailable } && reused && attempt == 0 && !client.IsConnected)
                {
                    WriteVerbose($"The cached connection to {endpoint} was closed; reconnecting.");
                    ConnectionCache.Drop(client);
                    continue;
                }
                if (translated is OpsException { Code: OpsErrorCode.Unavailable } unavailable)
                {
                    ConnectionCache.Drop(client);
                    ThrowOpsError(unavailable);
                }
                if (translated == ex) throw;
                throw translated;
            }
        }
    }

    private T RunOnPipeline<T>(Func<CancellationToken, Task<T>> work, string? activity)
        => RunOnPipeline((_, ct) => work(ct), activity);

    /// <summary>
    /// Starts the work on the thread pool and waits for it on this (the pipeline) thread, writing its progress reports
    /// there as they arrive (<see cref="PipelineThread"/>). Ctrl+C ends the wait at once; StopProcessing cancels the
    /// token: StreamJsonRpc then sends $/cancelRequest, so the daemon stops too.
    /// </summary>
    private T RunOnPipeline<T>(Func<IProgress<OperationProgress>?, CancellationToken, Task<T>> work, string? activity)
    {
        ProgressRecord? last = null;
        using var reporter = activity is null ? null : PipelineThread.Progress<OperationProgress>(p => last = WriteDaemonProgress(p, activity));
        try
        {
            return PipelineThread.Wait(Task.Run(() => work(reporter, _stopping.Token)), _stopping.Token);
        }
        finally
        {
            if (last is not null)
            {
                // A record of its own: the host (or a PowerShell's Progress stream) may keep the one written last.
                var completed = new ProgressRecord(last.ActivityId, last.Activity, last.StatusDescription) { PercentComplete = last.PercentComplete, RecordType = ProgressRecordType.Completed };
                try { WriteProgress(completed); } catch (PipelineStoppedException) { }
            }
        }
    }

    /// <summary>
    /// Waits on the pipeline thread (<see cref="PipelineThread"/>) for work on local files this cmdlet started itself
    /// (an offline import), until it ends: it hears Ctrl+C through <see cref="StopToken"/>, and a change to files is
    /// never left running behind the prompt, as an abandoned daemon call can be.
    /// </summary>
    protected T Await<T>(Task<T> work) => PipelineThread.Wait(work, CancellationToken.None);

    /// <summary>Writes a progress report of the daemon's as this cmdlet's progress record (on the pipeline thread); returns it so the caller can complete it.</summary>
    internal ProgressRecord WriteDaemonProgress(OperationProgress progress, string activity)
    {
        if (_progressId == 0) _progressId = Math.Abs(GetHashCode() % 10000) + 1;
        var record = new ProgressRecord(_progressId, string.IsNullOrEmpty(progress.Activity) ? activity : progress.Activity,
            string.IsNullOrEmpty(progress.Status) ? "Working" : progress.Status)
        { PercentComplete = Math.Clamp(progress.PercentComplete, -1, 100) };
        WriteProgress(record);
        return record;
    }

    /// <summary>Writes a non-terminating error for one item (a setting that does not exist, a bad value).</summary>
    protected void WriteOpsError(OpsException ex, object? target = null) => WriteError(ErrorMapping.ToErrorRecord(ex, target));

    /// <summary>Ends the command: the precondition failed (no daemon, no permission, wrong protocol).</summary>
    [System.Diagnostics.CodeAnalysis.DoesNotReturn]
    protected void ThrowOpsError(OpsException ex, object? target = null)
    {
        ThrowTerminatingError(ErrorMapping.ToErrorRecord(ex, target));
        throw ex; // ThrowTerminatingError never returns
    }

    /// <summary>
    /// Runs a call for one item: per-item failures become non-terminating errors, and the result (or null) is
    /// returned. A refusal or a lost connection (<see cref="ErrorMapping.EndsCommand"/>) still ends the command.
    /// </summary>
    protected T? InvokeForItem<T>(Func<OpsClient, IProgress<OperationProgress>?, CancellationToken, Task<T>> call, object? target, string? activity = null)
        where T : class
    {
        try
        {
            return Invoke(call, activity);
        }
        catch (OpsException ex) when (!ErrorMapping.EndsCommand(ex.Code))
        {
            WriteOpsError(ex, target);
            return null;
        }
        catch (OpsException ex)
        {
            ThrowOpsError(ex, target);
            return null;
        }
    }

    /// <summary>
    /// False only when PowerShell would discard this command's verbose records, decided as its command runtime decides
    /// (a bound -Verbose, else a bound -Debug, else $VerbosePreference other than SilentlyContinue or Ignore), so that
    /// narration built per item (Test-StellaAttestation's checks) costs nothing when nobody reads it. Read once per
    /// command, as the runtime caches it; anything it cannot read counts as wanted (WriteVerbose still filters).
    /// </summary>
    internal bool VerboseWanted => _verboseWanted ??= ReadVerboseWanted();

    private bool ReadVerboseWanted()
    {
        var bound = MyInvocation.BoundParameters;
        if (bound.TryGetValue("Verbose", out var verbose)) return verbose is not SwitchParameter v || v.IsPresent;
        if (bound.TryGetValue("Debug", out var debug) && (debug is not SwitchParameter d || d.IsPresent)) return true;
        var preference = GetVariableValue("VerbosePreference");
        if (preference is null) return false; // unset: PowerShell's default, SilentlyContinue
        return !LanguagePrimitives.TryConvertTo<ActionPreference>(preference, out var p) || p is not (ActionPreference.SilentlyContinue or ActionPreference.Ignore);
    }
}
