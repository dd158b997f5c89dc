using System.Globalization;
using StellaOps.Ops.Attestation.Verification;
using StellaOps.Ops.Contracts.Rpc;
using StellaOps.Ops.Daemon.Doctor;
using StellaOps.Ops.Daemon.Settings;

namespace StellaOps.Ops.Daemon.Verification;

/// <summary>
/// check.attestor.verification-health: there is something to verify against; no trust anchor (a CA certificate, or a
/// key from a source other than this daemon's key store, whose own expiry check.attestor.key-expiration watches) has
/// expired or expires within the key alert thresholds; and the verification failure rate over the last hour is under
/// runbook 004's thresholds (warning over 1 %, critical over 5 %).
/// </summary>
public sealed class VerificationHealthCheck(VerificationService verification, VerificationStats stats, SettingsService settings, TimeProvider time) : IHealthCheck
{
    public const double WarningRate = 0.01;
    public const double CriticalRate = 0.05;

    public string Id => "check.attestor.verification-health";
    public string Description => "Trust anchors are present and not expiring, and the verification failure rate over the last hour is under 1 % (critical over 5 %).";

    public Task<DoctorResult> RunAsync(CancellationToken cancellationToken)
    {
        var now = time.GetUtcNow();
        var warnDays = int.Parse(settings.Value("keys.alerts.expiring_days"), CultureInfo.InvariantCulture);
        var criticalDays = int.Parse(settings.Value("keys.alerts.expiring_days_critical"), CultureInfo.InvariantCulture);
        var trust = verification.Trust;
        var keys = trust.Keys;
        var certificates = trust.Certificates;
        var anchors = keys.Where(k => !k.Source.StartsWith(StoredKeyTrust.Source, StringComparison.Ordinal))
            .Select(k => (Id: k.KeyId, What: $"key {k.KeyId[..16]}… ({k.Source})", NotAfter: k.NotAfter))
            .Concat(certificates.Select(c => (c.Id, What: $"{c.Role.ToString().ToLowerInvariant()} {c.Certificate.Subject} ({c.Id[..16]}…)", NotAfter: (DateTimeOffset?)c.NotAfter)))
            .ToList();
        var (total, failed) = stats.LastHour();
        var rate = total == 0 ? 0 : (double)failed / total;
        var evidence = new Dictionary<string, string>
        {
            ["trustedKeys"] = keys.Count.ToString(CultureInfo.InvariantCulture),
            ["trustAnchors"] = anchors.Count.ToString(CultureInfo.InvariantCulture),
            ["caCertificates"] = certificates.Count.ToString(CultureInfo.InvariantCulture),
            ["verificationsLastHour"] = total.ToString(CultureInfo.InvariantCulture),
            ["failuresLastHour"] = failed.ToString(CultureInfo.InvariantCulture),
            ["failureRate"] = rate.ToString("P2", CultureInfo.InvariantCulture),
        };
        DoctorResult Result(DoctorStatus s, string m, string? fix = null) => new() { Check = Id, Status = s, Message = m, Remediation = fix, Evidence = evidence };

        if (keys.Count == 0 && certificates.Count == 0)
            return Done(Result(DoctorStatus.Fail, "There is nothing to verify against: no trusted keys and no trust anchors.",
                "Add a trust anchor: stella trust-anchors add --cert <issuer-cert.pem> (or stella trust-anchors add-key --key <key.pem>), or generate a signing key: stella keys generate"));
        // Anchors whose trust ends within the window (a negative window: already ended), named with their end.
        string? Ending(TimeSpan within)
        {
            var ending = anchors.Where(a => a.NotAfter is { } na && na - now <= within).ToList();
            return ending.Count == 0 ? null : $"{ending.Count} trust anchor(s): {string.Join("; ", ending.Select(a => $"{a.What} on {a.NotAfter:u}"))}";
        }
        string FailedLastHour(string limit) => $"{failed} of {total} verification(s) in the last hour failed ({rate:P1}, {limit}).";
        const string findCauses = "Find the causes: stella attest logs --filter \"verification\" --level error --last 1h; then stella verify attestation --attestation <attestation-id> --verbose";

        if (Ending(TimeSpan.Zero) is { } expired)
            return Done(Result(DoctorStatus.Fail, $"Expired: {expired}.", "Replace them: stella trust-anchors add --cert <issuer-cert.pem>; stella trust-anchors list"));
        if (Ending(TimeSpan.FromDays(criticalDays)) is { } critical)
            return Done(Result(DoctorStatus.Fail, $"Expiring within {criticalDays} day(s): {critical}.", "Add their successors now: stella trust-anchors add --cert <issuer-cert.pem>"));
        if (rate > CriticalRate)
            return Done(Result(DoctorStatus.Fail, FailedLastHour($"critical over {CriticalRate:P0}"), findCauses));
        if (Ending(TimeSpan.FromDays(warnDays)) is { } warning)
            return Done(Result(DoctorStatus.Warn, $"Expiring within {warnDays} days: {warning}.", "Plan their replacement: stella trust-anchors add --cert <issuer-cert.pem>"));
        if (rate > WarningRate)
            return Done(Result(DoctorStatus.Warn, FailedLastHour($"warning over {WarningRate:P0}"), findCauses));
        return Done(Result(DoctorStatus.Pass,
            $"{keys.Count} trusted key(s), {certificates.Count} CA certificate(s); {failed} of {total} verification(s) failed in the last hour."));
    }

    private static Task<DoctorResult> Done(DoctorResult result) => Task.FromResult(result);
}
