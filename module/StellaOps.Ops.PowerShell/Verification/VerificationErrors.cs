using System.Management.Automation;
using StellaOps.Ops.Contracts;
using StellaOps.Ops.Contracts.Rpc;

namespace StellaOps.Ops.PowerShell.Verification;

/// <summary>A failed verification as a non-terminating error: category SecurityError, id the cause's stable name.</summary>
internal static class VerificationErrors
{
    public static ErrorRecord ToErrorRecord(AttestationVerification result) => ErrorMapping.ToErrorRecord(ToOpsError(result).ToException(), result);

    /// <summary>The failure of a result as an item error: its cause's stable id, its words and the runbook command that fixes it.</summary>
    public static OpsError ToOpsError(AttestationVerification result) => new()
    {
        Code = result.Failure ?? OpsErrorCode.VerificationFailed,
        Message = $"Verification of {result.Source} failed: {result.Cause ?? "verification failed"}: {result.Message}",
        Target = result.Source,
        RecommendedAction = result.Fix,
    };
}
