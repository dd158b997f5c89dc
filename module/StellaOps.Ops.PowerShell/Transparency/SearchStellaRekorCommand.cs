using System.Management.Automation;
using StellaOps.Ops.Contracts.Rpc;

namespace StellaOps.Ops.PowerShell.Transparency;

/// <summary>
/// Search-StellaRekor (<c>stella rekor query</c>): the entries this daemon logged in [-After, -Before), optionally
/// only those whose signing key or log key (a compromised Rekor key, runbook 004 scenario 2) is -KeyId, each saying
/// which matched (MatchedBy). Pipe them into Test-StellaAttestation to re-verify; -Resubmit logs them again to a
/// log whose key is trusted now. -Log also reads each configured log itself (or -Backend), from a checkpoint proved
/// consistent with those the daemon verified before (its own last entry's, the last search's), at most -MaxEntries from
/// -StartIndex (or where the window lets the daemon begin) per log, and writes the
/// entries this daemon did not write (FromLog); a log that is not consistent is a SecurityError and nothing it served
/// is written. A scan the cap stopped short warns with the -StartIndex to go on from.
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

    /// <summary>Also read the transparency logs themselves for entries this daemon did not write.</summary>
    [Parameter]
    public SwitchParameter Log { get; set; }

    /// <summary>With -Log: only this backend (its URL, as Get-StellaTrustStatus -ShowBackends lists it).</summary>
    [Parameter]
    [Alias("Url")]
    [ValidateNotNullOrEmpty]
    public string? Backend { get; set; }

    /// <summary>
    /// With -Log: the first log index to read (a previous scan's next index, to go on). Without it the daemon begins
    /// after the entries of the largest checkpoint a search verified before -After (they are older than the window),
    /// else at the log's first entry.
    /// </summary>
    [Parameter]
    [ValidateRange(0, long.MaxValue)]
    public long StartIndex { get; set; }

    /// <summary>With -Log: at most this many entries read per log.</summary>
    [Parameter]
    [ValidateRange(1, TlogSearchQuery.MaxLogEntries)]
    public int MaxEntries { get; set; } = TlogSearchQuery.DefaultLogEntries;

    protected override void EndProcessing()
    {
        if ((Backend is not null || MyInvocation.BoundParameters.ContainsKey(nameof(StartIndex)) || MyInvocation.BoundParameters.ContainsKey(nameof(MaxEntries))) && !Log)
        {
            ThrowTerminatingError(new ErrorRecord(new ArgumentException("-Backend, -StartIndex and -MaxEntries read the log itself: add -Log."),
                "LogParameterWithoutLog,Search-StellaRekor", ErrorCategory.InvalidArgument, null));
        }
        var query = new TlogSearchQuery { After = After, Before = Before, KeyId = KeyId, Subject = Subject, Backend = Backend, StartIndex = MyInvocation.BoundParameters.ContainsKey(nameof(StartIndex)) ? StartIndex : null, MaxEntries = MaxEntries };
        var hits = InvokeForItem((c, _, ct) => c.Tlog.SearchAsync(query, ct), "rekor query");
        if (hits is null) return;
        foreach (var hit in hits) WriteObject(hit);
        if (Log)
        {
            if (Subject is not null) WriteWarning("-Subject: log entries name no subject (only digests of what was signed), so -Log finds none of the entries this daemon did not write.");
            var found = InvokeForItem((c, _, ct) => c.Tlog.SearchLogAsync(query, ct), Backend ?? "the transparency logs");
            if (found is null) return;
            foreach (var scan in found.Logs)
            {
                WriteVerbose($"Read log {scan.Backend} (v{scan.ApiVersion}): checkpoint of {scan.CheckpointSize} entries verified"
                    + (scan.ConsistentWithSize is { } before ? $", consistent with the checkpoint of {before} the daemon verified last" : ", no earlier checkpoint of this log was stored to prove it consistent with")
                    + $"; entries {scan.StartIndex} to {scan.EndIndex - 1} read ({scan.EndIndex - scan.StartIndex}, {scan.Own} of them written by this daemon)"
                    + scan.StartedFrom switch
                    {
                        TlogLogScan.FromCheckpoint => $", from the end of the checkpoint a search verified at {scan.CheckpointVerifiedAt:O}: the entries before it are older than -After.",
                        TlogLogScan.FromStartIndex => ", from -StartIndex.",
                        _ => ", from the log's first entry (the window may hold any).",
                    });
                if (scan.NextIndex is { } next)
                    WriteWarning($"Log {scan.Backend}: read {scan.EndIndex - scan.StartIndex} entries (the cap, -MaxEntries {MaxEntries}) of {scan.CheckpointSize}; to go on: -Log -Backend {scan.Backend} -StartIndex {next}");
            }
            foreach (var name in found.NotRead)
                WriteWarning($"Log {name} was not read: the answer is full ({found.Hits.Length} entries); read it on its own: -Log -Backend {name}");
            foreach (var hit in found.Hits) WriteObject(hit);
        }
        if (Resubmit && hits.Length > 0)
        {
            // Entries found only in the log (-Log) are not this daemon's attestations: only its own are logged again.
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
