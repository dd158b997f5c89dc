using System.Management.Automation;
using StellaOps.Ops.Contracts;
using StellaOps.Ops.Contracts.Rpc;

namespace StellaOps.Ops.PowerShell.Verification;

/// <summary>A failed verification as a non-terminating error: category SecurityError, id the cause's stable name.</summary>
internal static class VerificationErrors
{
    public static ErrorRecord ToErrorRecord(AttestationVerification result)
    {
        var code = result.Failure ?? OpsErrorCode.VerificationFailed;
        var ex = new OpsException(code, $"Verification of {result.Source} failed: {result.Cause ?? "verification failed"}: {result.Message}", result.Source, result.Fix);
        return ErrorMapping.ToErrorRecord(ex, result);
    }
}
