using StellaOps.Ops.Contracts.Rpc;

namespace StellaOps.Ops.Daemon.Verification;

public sealed class VerifyRpc(VerificationService verification) : IVerifyRpc
{
    public Task<AttestationVerification[]> VerifyAsync(VerificationRequest request, CancellationToken cancellationToken)
        => Task.FromResult(verification.Verify(request));
}
