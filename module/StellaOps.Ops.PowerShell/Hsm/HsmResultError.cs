using StellaOps.Ops.Contracts;
using StellaOps.Ops.Contracts.Rpc;

namespace StellaOps.Ops.PowerShell.Hsm;

/// <summary>
/// The error of a failed HSM test or login result: the daemon's typed <see cref="OpsError"/> (code, message, next
/// step) as it sent it. Nothing is read back out of the result's text, and no advice is added here.
/// </summary>
internal static class HsmResultError
{
    /// <param name="error">The result's error.</param>
    /// <param name="hsm">The member, for a daemon that sent a failure without a typed error (an older one).</param>
    /// <param name="message">The result's message, for the same case.</param>
    public static OpsException Of(OpsError? error, string hsm, string message)
        => error?.ToException() ?? new OpsException(OpsErrorCode.HsmUnavailable, message, hsm);
}
