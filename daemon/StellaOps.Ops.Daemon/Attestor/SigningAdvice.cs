using StellaOps.Ops.Contracts;
using StellaOps.Ops.Contracts.Rpc;

namespace StellaOps.Ops.Daemon.Attestor;

/// <summary>
/// The attestor's advice for evidence that could not be signed: the cause's own remedy (from the key, HSM or signer
/// that refused; whether a key may sign is <see cref="Keys.KeyUsability"/>'s), the runbook's software fallback when
/// the HSM is gone, then how to get the attestation signed. The daemon owns these texts; clients show them.
/// </summary>
public static class SigningAdvice
{
    public const string RetryCommand = "stella attest retry --failed --last 1h";
    public const string SoftwareModeCommands = "'stella attest config set signing.mode software' then 'stella attest reload'";

    /// <summary>
    /// The failure as an unsigned attestation records it: the cause's code and message (KeyExpired, HsmUnavailable,
    /// … so the client maps it to the right category) and the advice to fix it and sign.
    /// </summary>
    public static OpsError Recorded(string attestationId, OpsException cause) => new()
    {
        Code = cause.Code,
        Message = cause.Message,
        Target = attestationId,
        RecommendedAction = $"{Fix(cause)} Then sign it: '{RetryCommand}' (Invoke-StellaAttestationRetry -Failed -Last 1h).",
    };

    /// <summary>The per-item error of an attestation that is recorded but could not be signed: the cause, then how to get it signed.</summary>
    public static OpsError Unsigned(OpsError recorded) => recorded with
    {
        Message = $"Signing failed: attestation {recorded.Target} is recorded but unsigned: {recorded.Message}",
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
