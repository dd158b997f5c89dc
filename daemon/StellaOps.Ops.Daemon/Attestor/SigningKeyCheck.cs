using StellaOps.Ops.Contracts;
using StellaOps.Ops.Contracts.Rpc;
using StellaOps.Ops.Daemon.Keys;

namespace StellaOps.Ops.Daemon.Attestor;

/// <summary>Whether the attestor's key can sign now, and if not, why and what to do (the runbooks' mitigations).</summary>
public static class SigningKeyCheck
{
    public const string RetryCommand = "stella attest retry --failed --last 1h";
    public const string SoftwareModeCommands = "'stella attest config set signing.mode software' then 'stella attest reload'";

    /// <summary>The key the attestor signs with now, or the reason there is none (never throws for a missing key).</summary>
    public static (KeyRecord? Key, OpsException? Problem) Resolve(KeyService keys)
    {
        KeyRecord key;
        try { key = keys.SigningKey(); }
        catch (OpsException ex) { return (null, ex); }
        return (key, Problem(key, keys.Now));
    }

    /// <summary>Null when <paramref name="key"/> may sign at <paramref name="now"/>.</summary>
    public static OpsException? Problem(KeyRecord key, DateTimeOffset now) => key.StatusAt(now) switch
    {
        KeyStatus.Expired => new OpsException(OpsErrorCode.KeyExpired,
            $"The signing key {key.Id} ({key.Name}) expired on {key.ExpiresAt:u}.", key.Id,
            "Activate a backup key: 'stella keys activate <backup-key-id>' and 'stella attest config set signing.key_id <backup-key-id>', or generate one with 'stella keys generate --type signing --algorithm ecdsa-p256'."),
        KeyStatus.Revoked => new OpsException(OpsErrorCode.KeyRevoked,
            $"The signing key {key.Id} ({key.Name}) was revoked on {key.RevokedAt:u}.", key.Id,
            "Point signing at another key: 'stella attest config set signing.key_id <key-id>'."),
        KeyStatus.Retired => new OpsException(OpsErrorCode.KeyNotActive,
            $"The signing key {key.Id} ({key.Name}) was retired on {key.RetiredAt:u}.", key.Id,
            $"Use its replacement: 'stella attest config set signing.key_id {key.ReplacedBy}'."),
        _ when now < key.NotBefore => new OpsException(OpsErrorCode.KeyNotActive,
            $"The signing key {key.Id} is not valid before {key.NotBefore:u}.", key.Id, "Wait for its start, or activate another key."),
        _ => null,
    };

    /// <summary>
    /// The error for an attestation that is recorded but could not be signed: the cause, then how to get it signed.
    /// The code stays the cause's (KeyExpired, HsmUnavailable, …) so the client maps it to the right category.
    /// </summary>
    public static OpsError Unsigned(string attestationId, OpsException cause) => new()
    {
        Code = cause.Code,
        Message = $"Signing failed: attestation {attestationId} is recorded but unsigned: {cause.Message}",
        Target = attestationId,
        RecommendedAction = $"{Fix(cause)} Then sign it: '{RetryCommand}' (Invoke-StellaAttestationRetry -Failed -Last 1h).",
    };

    /// <summary>
    /// The error for a re-signing that could not be made: the attestation keeps its signature, which still verifies,
    /// so it is still signed and nothing waits for 'retry --failed'; the cause says why no new signature was made.
    /// </summary>
    public static OpsError NotResigned(AttestationRecord signed, OpsException cause) => new()
    {
        Code = cause.Code,
        Message = $"Re-signing attestation {signed.Id} failed, so it keeps its signature of {signed.SignedAt:u} by {signed.Algorithm?.ToName()} key {signed.KeyId}, which stands: "
                  + $"the attestation is still signed and verifies as before. No new signature was made: {cause.Message}",
        Target = signed.Id,
        RecommendedAction = $"{Fix(cause)} Then re-sign it: 'stella attest resign {signed.Id}'.",
    };

    // The cause's own remedy, and for an HSM that is gone the runbook's software fallback.
    private static string Fix(OpsException cause)
    {
        var fix = string.IsNullOrWhiteSpace(cause.RecommendedAction) ? "Fix the cause" : cause.RecommendedAction.TrimEnd('.', ' ');
        var software = cause.Code is OpsErrorCode.HsmUnavailable or OpsErrorCode.HsmTimeout or OpsErrorCode.HsmNotConfigured
                       && !fix.Contains("signing.mode software", StringComparison.Ordinal)
            ? $" If the HSM stays unavailable, switch to software signing: {SoftwareModeCommands}."
            : "";
        return $"{fix}.{software}";
    }
}
