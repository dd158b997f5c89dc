using System.Management.Automation;
using System.Text;
using StellaOps.Ops.Contracts;
using StellaOps.Ops.Contracts.Rpc;
using StellaOps.Ops.PowerShell.Keys;

namespace StellaOps.Ops.PowerShell.Operations;

/// <summary>
/// New-StellaCompromiseReport: what the Disaster Recovery Guide's key-compromise scenario asks to document, from the
/// daemon's own records: the rotation time, the affected key id and fingerprint, the attestations that key signed in
/// the window (-After to -Before, from the daemon's attestation record; transparency-log entries are not searched in
/// this release), and the remediation steps taken (the audit log from -After on, for this key and key, trust and
/// signing changes). Returned as Markdown text.
/// </summary>
// New- makes something (a report) without changing the daemon: -WhatIf says what it would write, like every New- cmdlet.
[Cmdlet(VerbsCommon.New, "StellaCompromiseReport", SupportsShouldProcess = true, ConfirmImpact = ConfirmImpact.Low)]
[OutputType(typeof(string))]
public sealed class NewStellaCompromiseReportCommand : StellaCmdlet
{
    [Parameter(Mandatory = true, Position = 0, ValueFromPipelineByPropertyName = true)]
    [Alias("Id")]
    [ValidateNotNullOrEmpty]
    [ArgumentCompleter(typeof(KeyIdCompleter))]
    public string KeyId { get; set; } = "";

    /// <summary>Start of the window in which the key may have been exposed.</summary>
    [Parameter(Mandatory = true)]
    public DateTimeOffset After { get; set; }

    /// <summary>End of the window.</summary>
    [Parameter(Mandatory = true)]
    public DateTimeOffset Before { get; set; }

    private static readonly string[] RemediationActions = ["keys.", "trust", "issuer", "config.", "attest.retry", "attest.resign", "hsm."];

    protected override void ProcessRecord()
    {
        if (Before <= After)
        {
            ThrowTerminatingError(new ErrorRecord(new ArgumentException($"-Before ({NewStellaIncidentNoticeCommand.Utc(Before)}) must be later than -After ({NewStellaIncidentNoticeCommand.Utc(After)})."),
                "EmptyWindow", ErrorCategory.InvalidArgument, Before));
        }
        try
        {
            if (ShouldProcess(KeyId, "Write the compromise report"))
                WriteObject(Report());
        }
        catch (OpsException ex)
        {
            ThrowOpsError(ex, KeyId);
        }
    }

    private string Report()
    {
        var key = Invoke((c, _, ct) => c.Keys.GetAsync(KeyId.ToLowerInvariant(), ct));
        var history = Invoke((c, _, ct) => c.Keys.GetHistoryAsync(key.Id, ct));
        var signed = Invoke((c, _, ct) => c.Attest.ListAsync(new AttestationQuery { Since = After }, ct))
            .Where(a => a.KeyId == key.Id && a.SignedAt is { } at && at >= After && at <= Before)
            .OrderBy(a => a.SignedAt)
            .ToList();
        var audit = Invoke((c, _, ct) => c.Log.QueryAsync(new LogQuery { Component = "Audit", Since = After, Max = 10_000 }, ct))
            .Where(e => e.Message.Contains(key.Id, StringComparison.Ordinal) || RemediationActions.Any(a => e.Category.StartsWith(a, StringComparison.OrdinalIgnoreCase)))
            .OrderBy(e => e.Timestamp)
            .ToList();
        var rotation = history.Where(e => e.Event is "rotated" or "retired" or "revoked" or "replaced").OrderBy(e => e.Timestamp).FirstOrDefault();

        var text = new StringBuilder();
        text.AppendLine($"# Key compromise report: {key.Name}");
        text.AppendLine();
        text.AppendLine($"- Window: {NewStellaIncidentNoticeCommand.Utc(After)} to {NewStellaIncidentNoticeCommand.Utc(Before)}");
        text.AppendLine($"- Affected key: {key.Id} ({key.Name}, {key.Algorithm.ToName()}, {key.Provider}, now {key.Status})");
        text.AppendLine($"- Fingerprint: SHA256:{key.Id}");
        text.AppendLine("- Rotation time: " + (rotation is null ? "not rotated yet (Invoke-StellaKeyRotation, or stella keys revoke)"
            : $"{NewStellaIncidentNoticeCommand.Utc(rotation.Timestamp)} ({rotation.Event} by {rotation.Actor}{(string.IsNullOrEmpty(rotation.Detail) ? "" : ": " + rotation.Detail)})"));
        if (key.ReplacedBy is { } by) text.AppendLine($"- Replaced by: {by}");
        if (key.RevokedAt is { } revoked) text.AppendLine($"- Revoked: {NewStellaIncidentNoticeCommand.Utc(revoked)}{(key.RevocationReason is { } r ? $" ({r})" : "")}");
        text.AppendLine();
        text.AppendLine($"## Attestations signed by this key in the window ({signed.Count})");
        text.AppendLine();
        if (signed.Count == 0) text.AppendLine("None in the daemon's record.");
        foreach (var a in signed)
            text.AppendLine($"- {NewStellaIncidentNoticeCommand.Utc(a.SignedAt!.Value)} {a.Id} {a.Type} for {string.Join(", ", a.Subjects)} (statement {a.StatementDigest})");
        text.AppendLine();
        text.AppendLine("Transparency-log entries were not searched: the transparency-log client is not in this release (stella rekor query).");
        text.AppendLine();
        text.AppendLine($"## Remediation steps taken (audit log since {NewStellaIncidentNoticeCommand.Utc(After)})");
        text.AppendLine();
        if (audit.Count == 0) text.AppendLine("None recorded.");
        foreach (var e in audit) text.AppendLine($"- {NewStellaIncidentNoticeCommand.Utc(e.Timestamp)} {e.Message}");
        return text.ToString().TrimEnd();
    }
}
