using System.Globalization;
using System.Management.Automation;
using System.Text;
using StellaOps.Ops.Contracts;
using StellaOps.Ops.Contracts.Rpc;
using StellaOps.Ops.PowerShell.Keys;

namespace StellaOps.Ops.PowerShell.Operations;

/// <summary>
/// New-StellaIncidentNotice: fills a communication template of the Disaster Recovery Guide from the daemon's live
/// state and returns the notice as text (redirect it to a file or a mail body as it is). KeyRotation names the
/// affected key (default: the key the active signing key replaced) and the new key (default: its replacement, else
/// the active key) with their SHA-256 fingerprints, the sync command and when the old key is revoked (its end of
/// verification, or -RevokeAt). Outage states the HSM failover and the transparency-log queue as far as this daemon
/// reports them, and says which parts it cannot report yet.
/// </summary>
// New- makes something (a notice) without changing the daemon: -WhatIf says what it would write, like every New- cmdlet.
[Cmdlet(VerbsCommon.New, "StellaIncidentNotice", SupportsShouldProcess = true, ConfirmImpact = ConfirmImpact.Low)]
[OutputType(typeof(string))]
public sealed class NewStellaIncidentNoticeCommand : StellaCmdlet
{
    [Parameter(Mandatory = true, Position = 0)]
    public IncidentNoticeKind Kind { get; set; }

    /// <summary>KeyRotation: the affected (old) key. Default: the key the active signing key replaced.</summary>
    [Parameter]
    [ValidateNotNullOrEmpty]
    [ArgumentCompleter(typeof(KeyIdCompleter))]
    public string? KeyId { get; set; }

    /// <summary>KeyRotation: the new key. Default: the affected key's replacement, else the active signing key.</summary>
    [Parameter]
    [ValidateNotNullOrEmpty]
    [ArgumentCompleter(typeof(KeyIdCompleter))]
    public string? NewKeyId { get; set; }

    /// <summary>KeyRotation: when the old key is revoked. Default: its revocation time, else the end of its verification overlap.</summary>
    [Parameter]
    public DateTimeOffset? RevokeAt { get; set; }

    /// <summary>KeyRotation: the "Reason" line.</summary>
    [Parameter]
    [ValidateNotNullOrEmpty]
    public string Reason { get; set; } = "Scheduled rotation";

    /// <summary>KeyRotation: an emergency rotation ("Emergency Key Rotation" in the subject).</summary>
    [Parameter]
    public SwitchParameter Emergency { get; set; }

    /// <summary>The "Updates" line's status page.</summary>
    [Parameter]
    [ValidateNotNullOrEmpty]
    public string StatusPage { get; set; } = "https://status.example.com";

    protected override void EndProcessing()
    {
        try
        {
            if (ShouldProcess($"the daemon's live state ({ResolvedEndpoint})", $"Write the {Kind} notice"))
                WriteObject(Kind == IncidentNoticeKind.KeyRotation ? KeyRotationNotice() : OutageNotice());
        }
        catch (OpsException ex)
        {
            ThrowOpsError(ex, KeyId);
        }
        base.EndProcessing();
    }

    private string KeyRotationNotice()
    {
        var keys = Invoke((c, _, ct) => c.Keys.ListAsync(new KeyQuery(), ct));
        KeyInfo Find(string id) => keys.FirstOrDefault(k => k.Id == id.ToLowerInvariant())
            ?? throw new OpsException(OpsErrorCode.KeyNotFound, $"There is no key '{id}'.", id, "List keys with 'stella keys list' and use the full id.");
        var active = keys.FirstOrDefault(k => k.Status == KeyStatus.Active && k.Type == KeyType.Signing);
        var affected = KeyId is not null ? Find(KeyId)
            : active?.Replaces is { } replaced ? Find(replaced)
            : throw new OpsException(OpsErrorCode.NotFound, "The active signing key replaced no key, so there is no rotation to announce.", "KeyId",
                "Name the rotated-out key with -KeyId (stella keys rotation-history lists the rotations).");
        var replacement = NewKeyId is not null ? Find(NewKeyId)
            : affected.ReplacedBy is { } by ? Find(by)
            : active is not null && active.Id != affected.Id ? active
            : throw new OpsException(OpsErrorCode.NotFound, $"No key replaces {affected.Id}.", affected.Id, "Name the new key with -NewKeyId, or rotate first (Invoke-StellaKeyRotation).");
        var revokeAt = RevokeAt ?? affected.RevokedAt ?? affected.VerifyUntil;

        var text = new StringBuilder();
        text.AppendLine($"Subject: [StellaOps] {(Emergency ? "Emergency " : "")}Key Rotation - Action Required");
        text.AppendLine();
        text.AppendLine($"Reason: {Reason}");
        text.AppendLine($"Affected Key: {affected.Name} (fingerprint: SHA256:{affected.Id})");
        text.AppendLine($"New Key: {replacement.Name} (fingerprint: SHA256:{replacement.Id})");
        text.AppendLine();
        text.AppendLine("Action Required:");
        text.AppendLine("1. Run: stella trust sync --force");
        text.AppendLine("2. Verify: stella trust status --show-keys");
        text.AppendLine();
        text.Append($"Timeline: Old key will be revoked at {Utc(revokeAt)}");
        return text.ToString();
    }

    private string OutageNotice()
    {
        var hsm = Invoke((c, _, ct) => c.Hsm.GetStatusAsync(ct));
        var tlog = Invoke((c, _, ct) => c.Tlog.StatusAsync(ct));
        var failedOver = hsm.State == HsmOverallState.FailedOver || hsm.Active == HsmMemberRole.Backup;

        var text = new StringBuilder();
        text.AppendLine("Subject: [StellaOps] Rekor Service Disruption - Failover Active");
        text.AppendLine();
        text.AppendLine("Status: Service Degradation");
        text.AppendLine("Impact: Attestation submissions may be delayed" + (tlog.OutboxDepth > 0
            ? $" ({tlog.OutboxDepth.ToString(CultureInfo.InvariantCulture)} waiting in the outbox{(tlog.OutboxOldest is { } oldest ? ", the oldest since " + Utc(oldest) : "")})"
            : " (none waiting in the outbox)"));
        text.AppendLine("Mitigation: " + Failover(tlog));
        text.AppendLine("Transparency logs (failover order):");
        if (tlog.Backends.Length == 0) text.AppendLine($"- none: {tlog.NotConfigured?.Message} ({tlog.NotConfigured?.RecommendedAction})");
        foreach (var b in tlog.Backends.OrderBy(b => b.Order)) text.AppendLine("- " + Describe(b));
        text.AppendLine($"HSM: {hsm.State}, {hsm.Active} active{(failedOver ? " (failed over)" : "")}; " +
                        string.Join("; ", hsm.Members.Select(m => $"{m.Name} {m.State}")));
        text.AppendLine();
        text.AppendLine("Action Required: None - clients will auto-discover new endpoint");
        text.AppendLine();
        text.Append($"Updates: Monitor status at {StatusPage}");
        return text.ToString();
    }

    /// <summary>A backend takes submissions while its circuit is not open (Closed, or HalfOpen probing): the daemon sends to the first such one in failover order.</summary>
    private static bool Serving(TlogBackendInfo backend) => backend.CircuitState is "Closed" or "HalfOpen";

    /// <summary>The Mitigation line: which log takes submissions now, and why the ones before it do not.</summary>
    internal static string Failover(TlogStatus tlog)
    {
        var ordered = tlog.Backends.OrderBy(b => b.Order).ToList();
        if (ordered.Count == 0) return $"None - no transparency log is configured ({tlog.NotConfigured?.RecommendedAction ?? "stella trust init"})";
        var serving = ordered.FirstOrDefault(Serving);
        var skipped = string.Join(", ", ordered.TakeWhile(b => !Serving(b)).Select(b => $"{b.Url} circuit {b.CircuitState}"));
        return serving is null ? $"None - every log's circuit is open ({skipped}); attestations stay signed and queued until one returns (stella trust reset-circuits once it is back)"
            : serving.Order == 0 ? $"No failover - the primary log {serving.Url} is taking submissions"
            : $"Automatic failover to mirror active - {serving.Url} is taking submissions ({skipped})";
    }

    private static string Describe(TlogBackendInfo b)
    {
        var role = b.Order == 0 ? "primary" : $"mirror {b.Order.ToString(CultureInfo.InvariantCulture)}";
        var circuit = $"circuit {b.CircuitState}" + (b.CircuitSince is { } since && b.CircuitState != "Closed" ? " since " + Utc(since) : "")
                      + (b.CircuitReason is { Length: > 0 } why && b.CircuitState != "Closed" ? $" ({why})" : "");
        return $"{role}: {b.Url} (v{b.ApiVersion.ToString(CultureInfo.InvariantCulture)}, {b.Operator}), {circuit}, " +
               $"{b.Submissions.ToString(CultureInfo.InvariantCulture)} submitted, {b.Failures.ToString(CultureInfo.InvariantCulture)} failed, " +
               "last success " + (b.LastSuccess is { } ok ? Utc(ok) : "never") + (b.LastError is { Length: > 0 } e ? $", last error: {e}" : "");
    }

    internal static string Utc(DateTimeOffset at) => at.ToUniversalTime().ToString("yyyy-MM-dd HH:mm:ss 'UTC'", CultureInfo.InvariantCulture);
}
