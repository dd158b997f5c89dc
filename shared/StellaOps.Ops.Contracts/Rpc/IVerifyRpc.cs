using StellaOps.Ops.Contracts.Text;
using StreamJsonRpc;

namespace StellaOps.Ops.Contracts.Rpc;

/// <summary>
/// Verification (runbook "attestation verification failures"): stored attestations, and envelopes or Sigstore bundles
/// the caller sends, checked against the daemon's trust material (its own keys with their windows, and every other
/// registered trust source). Readers may verify. Each answer lists every check; a failed verification is an answer
/// with <see cref="AttestationVerification.Verified"/> false, never an error.
/// </summary>
[JsonRpcContract]
public partial interface IVerifyRpc
{
    /// <summary>
    /// Verifies, in this order, the stored attestations named by <see cref="VerificationRequest.Ids"/>, the newest
    /// <see cref="VerificationRequest.Last"/> signed ones, those about <see cref="VerificationRequest.Subject"/>, then
    /// the <see cref="VerificationRequest.Documents"/>. At most <see cref="Protocol.MaxBatchItems"/> in all per call.
    /// Each id gets exactly one answer, in the order given: an id that names no attestation is an answer whose
    /// <see cref="AttestationVerification.Error"/> says so, not a failure of the whole call.
    /// </summary>
    [RequiresRole(CallerRole.Reader)]
    Task<AttestationVerification[]> VerifyAsync(VerificationRequest request, CancellationToken cancellationToken);
}
