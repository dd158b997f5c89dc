using System.Management.Automation;
using StellaOps.Ops.Contracts.Rpc;

namespace StellaOps.Ops.PowerShell.Transparency;

/// <summary>
/// Search-StellaRekor (<c>stella rekor query</c>): the entries this daemon logged in [-After, -Before), optionally
/// only those whose signing key or log key (a compromised Rekor key, runbook 004 scenario 2) is -KeyId, each saying
/// which matched (MatchedBy). Pipe them into Test-StellaAttestation to re-verify; -Resubmit logs them again to a
/// log whose key is trusted now.
/// </summary>
[Cmdlet(VerbsCommon.Search, "StellaRekor", SupportsShouldProcess = true, ConfirmImpact = ConfirmImpact.Medium)]
[OutputType(typeof(TlogSearchHit))]
public sealed class SearchStellaRekorCommand : StellaCmdlet
{
    [Parameter(Mandatory = true)]
    public DateTimeOffset After { get; set; }

    [Parameter(Mandatory = true)]
    public DateTimeOffset Before { get; set; }

    /// <summary>A signing key id or a log key id (hex, or a prefix of at least 8 characters).</summary>
    [Parameter]
    [ValidateLength(8, 128)]
    public string? KeyId { get; set; }

    /// <summary>A subject name or digest (sha256:…).</summary>
    [Parameter]
    [ValidateNotNullOrEmpty]
    public string? Subject { get; set; }

    [Parameter]
    public SwitchParameter Resubmit { get; set; }

    protected override void EndProcessing()
    {
        var hits = InvokeForItem((c, _, ct) => c.Tlog.SearchAsync(new TlogSearchQuery { After = After, Before = Before, KeyId = KeyId, Subject = Subject }, ct), "rekor query");
        if (hits is null) return;
        foreach (var hit in hits) WriteObject(hit);
        if (Resubmit && hits.Length > 0)
        {
            var ids = hits.Select(h => h.AttestationId).Distinct(StringComparer.Ordinal).ToArray();
            if (ShouldProcess($"{ids.Length} attestation(s)", "Log again to a transparency log whose key is trusted now"))
            {
                // Task<int>: InvokeForItem takes reference results, so the count comes back boxed.
                if (InvokeForItem<object>(async (c, _, ct) => await c.Tlog.ResubmitAsync(ids, ct).ConfigureAwait(false), "resubmit") is int queued)
                    WriteVerbose($"{queued} attestation(s) queued to be logged again.");
            }
        }
        base.EndProcessing();
    }
}
