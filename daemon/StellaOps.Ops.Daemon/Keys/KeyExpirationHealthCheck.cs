using System.Globalization;
using StellaOps.Ops.Contracts;
using StellaOps.Ops.Contracts.Rpc;
using StellaOps.Ops.Daemon.Doctor;
using StellaOps.Ops.Daemon.Settings;

namespace StellaOps.Ops.Daemon.Keys;

/// <summary>check.attestor.key-expiration: the signing key exists, is valid, and is not close to expiring.</summary>
public sealed class KeyExpirationHealthCheck(SigningKeySelection selection, KeyStore store, SettingsService settings, TimeProvider time) : IHealthCheck
{
    public string Id => "check.attestor.key-expiration";
    public string Description => "The signing key is present and valid, and not within the alert windows of its expiry.";

    public Task<DoctorResult> RunAsync(CancellationToken cancellationToken)
    {
        var now = time.GetUtcNow();
        var warnDays = int.Parse(settings.Value("keys.alerts.expiring_days"), CultureInfo.InvariantCulture);
        var criticalDays = int.Parse(settings.Value("keys.alerts.expiring_days_critical"), CultureInfo.InvariantCulture);
        KeyRecord key;
        try
        {
            key = selection.Resolve();
        }
        catch (OpsException ex)
        {
            return Task.FromResult(new DoctorResult { Check = Id, Status = DoctorStatus.Fail, Message = ex.Message, Remediation = ex.RecommendedAction });
        }
        var status = key.StatusAt(now);
        var left = key.ExpiresAt - now;
        var backups = store.All().Count(k => k.Id != key.Id && k.Purpose == key.Purpose && k.StatusAt(now) == KeyStatus.Inactive && k.ExpiresAt - now > TimeSpan.FromDays(criticalDays));
        var evidence = new Dictionary<string, string>
        {
            ["keyId"] = key.Id,
            ["name"] = key.Name,
            ["status"] = status.ToString(),
            ["expiresAt"] = key.ExpiresAt.ToString("u", CultureInfo.InvariantCulture),
            ["daysLeft"] = Math.Floor(left.TotalDays).ToString(CultureInfo.InvariantCulture),
            ["backupKeys"] = backups.ToString(CultureInfo.InvariantCulture),
            ["autoRotation"] = settings.Value("keys.rotation.auto"),
        };
        DoctorResult Result(DoctorStatus s, string m, string? fix = null) => new() { Check = Id, Status = s, Message = m, Remediation = fix, Evidence = evidence };
        return Task.FromResult(status switch
        {
            KeyStatus.Expired => Result(DoctorStatus.Fail, $"The signing key {key.Id} expired on {key.ExpiresAt:u}.",
                backups > 0 ? "Activate a backup key: stella keys activate <backup-key-id>; stella attest config set signing.key_id <backup-key-id>; stella attest reload"
                            : "Generate a new key: stella keys generate --type signing --algorithm ecdsa-p256 --validity 365d"),
            KeyStatus.Revoked or KeyStatus.Retired => Result(DoctorStatus.Fail, $"The configured signing key {key.Id} is {status.ToString().ToLowerInvariant()}.", "Point attest.signing.key_id at an active key."),
            _ when left <= TimeSpan.FromDays(criticalDays) => Result(DoctorStatus.Fail, $"The signing key {key.Id} expires in {Math.Ceiling(left.TotalDays)} day(s) ({key.ExpiresAt:u}).", "Rotate now: Invoke-StellaKeyRotation, or enable keys.rotation.auto."),
            _ when left <= TimeSpan.FromDays(warnDays) => Result(DoctorStatus.Warn, $"The signing key {key.Id} expires in {Math.Ceiling(left.TotalDays)} days ({key.ExpiresAt:u}).", "Plan its rotation, or enable keys.rotation.auto."),
            _ when backups == 0 => Result(DoctorStatus.Warn, $"The signing key {key.Id} is valid until {key.ExpiresAt:u}, but there is no backup key.", "Keep a backup: stella keys generate --type signing --algorithm ecdsa-p256 (leave it inactive)."),
            _ => Result(DoctorStatus.Pass, $"The signing key {key.Id} is {status.ToString().ToLowerInvariant()} and valid until {key.ExpiresAt:u}."),
        });
    }
}
