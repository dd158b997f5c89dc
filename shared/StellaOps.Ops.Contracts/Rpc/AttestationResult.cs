using StellaOps.Ops.Contracts.Text;
using StreamJsonRpc;

namespace StellaOps.Ops.Contracts.Rpc;

public sealed record AttestationResult
{
    public AttestationInfo? Attestation { get; init; }
    /// <summary>True when no new attestation was made because the subject already had one of this type (no Force).</summary>
    public bool Existing { get; init; }
    public OpsError? Error { get; init; }
}
