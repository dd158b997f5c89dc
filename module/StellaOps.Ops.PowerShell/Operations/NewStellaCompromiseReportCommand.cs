using System.Management.Automation;
using System.Text;
using StellaOps.Ops.Contracts;
using StellaOps.Ops.Contracts.Rpc;
using StellaOps.Ops.PowerShell.Keys;

namespace StellaOps.Ops.PowerShell.Operations;

/// <summary>
/// New-StellaCompromiseReport: what the Disaster Recovery Guide's key-compromise scenario asks to document, from the
/// daemon's own records: the rotation time, the affected key id and fingerprint, the transparency-log entries of the
/// window (-After to -Before, from tlog.search, the call Search-StellaRekor makes: entries whose signing key or log key
/// is -KeyId) and, for one of the daemon's signing keys, the attestations it signed in the window, and the remediation
/// steps taken (the audit log from -After on, for this key and key, trust and signing changes). -KeyId is one of the
/// daemon's keys or a transparency-log key of the trusted root (its log id). Returned as Markdown text.
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

    /// <summary>The key as the report names it: one of the daemon's keys, or a transparency-log key of the trusted root (runbook 004 scenario 2, a Rekor key compromise).</summary>
    private sealed record AffectedKey(string Id, string Title, string Description, string Fingerprint, string Rotation, string[] Notes, KeyInfo? Local);

    private string Report()
    {
        var key = FindKey();
        var entries = SearchLog(key.Id, out var truncated);
        var signed = key.Local is null ? [] : Invoke((c, _, ct) => c.Attest.ListAsync(new AttestationQuery { Since = After }, ct))
            .Where(a => a.KeyId == key.Id && a.SignedAt is { } at && at >= After && at <= Before)
            .OrderBy(a => a.SignedAt)
            .ToList();
        var audit = Invoke((c, _, ct) => c.Log.QueryAsync(new LogQuery { Component = "Audit", Since = After, Max = 10_000 }, ct))
            .Where(e => e.Message.Contains(key.Id, StringComparison.OrdinalIgnoreCase) || RemediationActions.Any(a => e.Category.StartsWith(a, StringComparison.OrdinalIgnoreCase)))
            .OrderBy(e => e.Timestamp)
            .ToList();

        var text = new StringBuilder();
        text.AppendLine($"# Key compromise report: {key.Title}");
        text.AppendLine();
        text.AppendLine($"- Window: {NewStellaIncidentNoticeCommand.Utc(After)} to {NewStellaIncidentNoticeCommand.Utc(Before)}");
        text.AppendLine($"- Affected key: {key.Id} ({key.Description})");
        text.AppendLine($"- Fingerprint: {key.Fingerprint}");
        text.AppendLine("- Rotation time: " + key.Rotation);
        foreach (var note in key.Notes) text.AppendLine("- " + note);
        text.AppendLine();
        text.AppendLine($"## Transparency-log entries in the window ({entries.Count}{(truncated ? ", more not listed: narrow the window" : "")})");
        text.AppendLine();
        text.AppendLine($"From the daemon's record of what it logged (Search-StellaRekor -KeyId {key.Id} -After ... -Before ...), entries whose signing key or log key is this key.");
        text.AppendLine();
        if (entries.Count == 0) text.AppendLine("None logged.");
        foreach (var h in entries)
            text.AppendLine($"- {NewStellaIncidentNoticeCommand.Utc(h.LoggedAt)} {h.AttestationId} in {h.Backend} (v{h.ApiVersion}) at index {h.LogIndex}{(h.Uuid is { } uuid ? $", uuid {uuid}" : "")}, " +
                            $"matched by {h.MatchedBy}, signing key {h.SigningKeyId}, log key {h.LogKeyId}, for {string.Join(", ", h.Subjects.Select(s => s.Name))}");
        if (key.Local is not null)
        {
            text.AppendLine();
            text.AppendLine($"## Attestations signed by this key in the window ({signed.Count})");
            text.AppendLine();
            if (signed.Count == 0) text.AppendLine("None in the daemon's record.");
            foreach (var a in signed)
                text.AppendLine($"- {NewStellaIncidentNoticeCommand.Utc(a.SignedAt!.Value)} {a.Id} {a.Type} ({a.Status}) for {string.Join(", ", a.Subjects)} (statement {a.StatementDigest})");
        }
        text.AppendLine();
        text.AppendLine($"## Remediation steps taken (audit log since {NewStellaIncidentNoticeCommand.Utc(After)})");
        text.AppendLine();
        if (audit.Count == 0) text.AppendLine("None recorded.");
        foreach (var e in audit) text.AppendLine($"- {NewStellaIncidentNoticeCommand.Utc(e.Timestamp)} {e.Message}");
        return text.ToString().TrimEnd();
    }

    /// <summary>One of the daemon's keys by id; else a log key of the trusted root by its log id or fingerprint (or a prefix of either).</summary>
    private AffectedKey FindKey()
    {
        KeyInfo? local = null;
        try
        {
            local = Invoke((c, _, ct) => c.Keys.GetAsync(KeyId.ToLowerInvariant(), ct));
        }
        catch (OpsException ex) when (ex.Code == OpsErrorCode.KeyNotFound)
        {
            var id = KeyId.ToLowerInvariant();
            var logKeys = Invoke((c, _, ct) => c.TrustSync.StatusAsync(ct)).LogKeys
                .Where(k => id.Length >= 8 && (k.LogId.StartsWith(id, StringComparison.OrdinalIgnoreCase) || k.Fingerprint.StartsWith(id, StringComparison.OrdinalIgnoreCase)))
                .ToList();
            if (logKeys.Count != 1)
                throw new OpsException(OpsErrorCode.KeyNotFound,
                    logKeys.Count == 0 ? $"'{KeyId}' is neither a key of this daemon nor a log key of its trusted root." : $"'{KeyId}' matches {logKeys.Count} log keys: " + string.Join(", ", logKeys.Select(k => k.LogId)),
                    KeyId, "Give a signing key id (stella keys list) or a log key's log id (stella trust status --show-keys), in full.");
            var log = logKeys[0];
            return new AffectedKey(log.LogId, $"{log.Kind} key of {log.BaseUrl}", $"{log.Kind} key of {log.BaseUrl}, {log.KeyDetails}, operator {log.Operator}",
                "SHA256:" + log.Fingerprint,
                log.ValidUntil is { } until ? $"{NewStellaIncidentNoticeCommand.Utc(until)} (the end of its validity in the trusted root)" : "not rotated yet: the trusted root still trusts it with no end (rotate-rekor-key.sh add-key, then remove-old)",
                [$"Valid from: {NewStellaIncidentNoticeCommand.Utc(log.ValidFrom)}"], null);
        }
        var history = Invoke((c, _, ct) => c.Keys.GetHistoryAsync(local.Id, ct));
        var rotation = history.Where(e => e.Event is "rotated" or "retired" or "revoked" or "replaced").OrderBy(e => e.Timestamp).FirstOrDefault();
        var notes = new List<string>();
        if (local.ReplacedBy is { } by) notes.Add($"Replaced by: {by}");
        if (local.RevokedAt is { } revoked) notes.Add($"Revoked: {NewStellaIncidentNoticeCommand.Utc(revoked)}{(local.RevocationReason is { } r ? $" ({r})" : "")}");
        return new AffectedKey(local.Id, local.Name, $"{local.Name}, {local.Algorithm.ToName()}, {local.Provider}, now {local.Status}", "SHA256:" + local.Id,
            rotation is null ? "not rotated yet (Invoke-StellaKeyRotation, or stella keys revoke)"
                : $"{NewStellaIncidentNoticeCommand.Utc(rotation.Timestamp)} ({rotation.Event} by {rotation.Actor}{(string.IsNullOrEmpty(rotation.Detail) ? "" : ": " + rotation.Detail)})",
            [.. notes], local);
    }

    /// <summary>tlog.search over the window, in pieces no wider than the daemon takes; says when a piece hit the answer cap.</summary>
    private List<TlogSearchHit> SearchLog(string keyId, out bool truncated)
    {
        truncated = false;
        var hits = new List<TlogSearchHit>();
        for (var from = After; from < Before; from = from.Add(SearchWindow))
        {
            var to = Before - from > SearchWindow ? from.Add(SearchWindow) : Before;
            var query = new TlogSearchQuery { After = from, Before = to, KeyId = keyId };
            var piece = Invoke((c, _, ct) => c.Tlog.SearchAsync(query, ct));
            truncated |= piece.Length >= query.Limit;
            hits.AddRange(piece);
        }
        return [.. hits.OrderBy(h => h.LoggedAt)];
    }

    /// <summary>Narrower than the daemon's widest search window (366 days).</summary>
    private static readonly TimeSpan SearchWindow = TimeSpan.FromDays(365);
}
