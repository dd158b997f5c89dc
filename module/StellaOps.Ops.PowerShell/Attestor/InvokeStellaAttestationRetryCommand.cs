using System.Management.Automation;
using StellaOps.Ops.Contracts;
using StellaOps.Ops.Contracts.Rpc;
using StellaOps.Ops.PowerShell.Pipeline;

namespace StellaOps.Ops.PowerShell.Attestor;

/// <summary>
/// Invoke-StellaAttestationRetry: signs failed (and interrupted) attestations again (<c>-Failed</c>, runbook
/// <c>stella attest retry --failed --last 1h</c>), or given ones by id; <c>-Resign</c> signs signed ones again with
/// the current key (<c>stella attest resign &lt;id&gt;</c>). Ids from the pipeline stream through the one
/// <see cref="RequestPipeline{TRequest, TAnswer}"/>: batches sent while more arrive, answers written in input order, an
/// unknown id one error in its place.
/// </summary>
[Cmdlet(VerbsLifecycle.Invoke, "StellaAttestationRetry", SupportsShouldProcess = true, ConfirmImpact = ConfirmImpact.Medium, DefaultParameterSetName = FailedSet)]
[OutputType(typeof(AttestationInfo))]
public sealed class InvokeStellaAttestationRetryCommand : StellaAttestationCmdlet
{
    private const string FailedSet = "Failed";
    private const string IdSet = "Id";

    /// <summary>Not mandatory so that a bare call gets an error saying what to give, rather than a prompt for a switch.</summary>
    [Parameter(ParameterSetName = FailedSet)]
    public SwitchParameter Failed { get; set; }

    /// <summary>Only attestations created within this window (e.g. 1h).</summary>
    [Parameter(ParameterSetName = FailedSet)]
    [DurationTransformation]
    public Duration? Last { get; set; }

    [Parameter(ParameterSetName = FailedSet)]
    public DateTimeOffset? Since { get; set; }

    [Parameter(Mandatory = true, Position = 0, ParameterSetName = IdSet, ValueFromPipeline = true, ValueFromPipelineByPropertyName = true)]
    [Alias("AttestationId")]
    [ValidateNotNullOrEmpty]
    [ArgumentCompleter(typeof(AttestationIdCompleter))]
    public string[] Id { get; set; } = [];

    /// <summary>Sign already signed attestations again with the current key; the previous envelope stays in the history.</summary>
    [Parameter(ParameterSetName = IdSet)]
    public SwitchParameter Resign { get; set; }

    private RequestPipeline<string, AttestationResult>? _pipeline;

    protected override void ProcessRecord()
    {
        if (ParameterSetName != IdSet) return;
        foreach (var id in Id)
        {
            if (ShouldProcess(id, Resign ? "Sign the attestation again with the current key (the old envelope stays in its history)" : "Sign the attestation again")) Pipeline().Add(id, id, id.Length);
        }
    }

    // The daemon's progress is shown for a command whose ids fit in one call (the common case).
    private RequestPipeline<string, AttestationResult> Pipeline()
    {
        var resign = Resign.IsPresent;
        return _pipeline ??= new(this,
            (c, ids, progress, ct) => c.Attest.RetryAsync(new AttestationRetryRequest { Ids = ids, Resign = resign }, progress, ct),
            r => r.Error,
            Render,
            progressActivity: "Signing attestations again");
    }

    protected override void EndProcessing()
    {
        var requests = new List<AttestationRetryRequest>();
        var target = "";
        if (ParameterSetName == IdSet)
        {
            _pipeline?.Complete();
        }
        else if (!Failed)
        {
            ThrowOpsError(OpsException.InvalidArgument("Say what to sign again: -Failed (all failed and interrupted attestations) or -Id <attestation-id>.", null,
                "Run 'Invoke-StellaAttestationRetry -Failed -Last 1h' (stella attest retry --failed --last 1h), or 'stella attest resign <attestation-id>'."));
        }
        else
        {
            var window = Last is { } last ? $" created in the last {last}" : Since is { } since ? $" created since {since:u}" : "";
            target = $"failed and interrupted attestations{window}";
            if (ShouldProcess(target, "Sign again")) requests.Add(new AttestationRetryRequest { Failed = true, Last = Last, Since = Since });
        }

        foreach (var first in requests)
        {
            var request = first;
            var any = false;
            while (true)
            {
                var results = InvokeForItem((c, p, ct) => c.Attest.RetryAsync(request, p, ct), target, "Signing attestations again");
                if (results is null) break;
                any |= results.Length > 0;
                foreach (var r in results) WriteResult(r, r.Attestation?.Id ?? target);
                // -Failed: the daemon answers one batch at a time; go on after the last one until a batch is not full.
                if (!request.Failed || results.Length < Protocol.MaxBatchItems) break;
                request = request with { AfterId = results.Select(r => r.Attestation?.Id).LastOrDefault(id => id is not null) };
                if (request.AfterId is null) break;
            }
            if (!any) WriteVerbose($"Nothing to sign: no {target}.");
        }
        base.EndProcessing();
    }
}
