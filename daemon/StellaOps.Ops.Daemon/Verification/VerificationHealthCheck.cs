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
        var expired = anchors.Where(a => a.NotAfter is { } na && na < now).ToList();
        if (expired.Count > 0)
            return Done(Result(DoctorStatus.Fail, $"{expired.Count} trust anchor(s) expired: {string.Join("; ", expired.Select(a => $"{a.What} on {a.NotAfter:u}"))}.",
                "Replace them: stella trust-anchors add --cert <issuer-cert.pem>; stella trust-anchors list"));
        var critical = anchors.Where(a => a.NotAfter is { } na && na - now <= TimeSpan.FromDays(criticalDays)).ToList();
        if (critical.Count > 0)
            return Done(Result(DoctorStatus.Fail, $"{critical.Count} trust anchor(s) expire within {criticalDays} day(s): {string.Join("; ", critical.Select(a => $"{a.What} on {a.NotAfter:u}"))}.",
                "Add their successors now: stella trust-anchors add --cert <issuer-cert.pem>"));
        if (rate > CriticalRate)
            return Done(Result(DoctorStatus.Fail, $"{failed} of {total} verification(s) in the last hour failed ({rate:P1}, critical over {CriticalRate:P0}).",
                "Find the causes: stella attest logs --filter \"verification\" --level error --last 1h; then stella verify attestation --attestation <attestation-id> --verbose"));
        var warning = anchors.Where(a => a.NotAfter is { } na && na - now <= TimeSpan.FromDays(warnDays)).ToList();
        if (warning.Count > 0)
            return Done(Result(DoctorStatus.Warn, $"{warning.Count} trust anchor(s) expire within {warnDays} days: {string.Join("; ", warning.Select(a => $"{a.What} on {a.NotAfter:u}"))}.",
                "Plan their replacement: stella trust-anchors add --cert <issuer-cert.pem>"));
        if (rate > WarningRate)
            return Done(Result(DoctorStatus.Warn, $"{failed} of {total} verification(s) in the last hour failed ({rate:P1}, warning over {WarningRate:P0}).",
                "Find the causes: stella attest logs --filter \"verification\" --level error --last 1h"));
        return Done(Result(DoctorStatus.Pass,
            $"{keys.Count} trusted key(s), {certificates.Count} CA certificate(s); {failed} of {total} verification(s) failed in the last hour."));
    }

    private static Task<DoctorResult> Done(DoctorResult result) => Task.FromResult(result);
}
