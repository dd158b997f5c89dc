using StellaOps.Ops.Attestation.Dsse;
using StellaOps.Ops.Attestation.InToto;

namespace StellaOps.Ops.Attestation.Verification;

public enum CheckOutcome
{
    Pass,
    Fail,
    Skipped,
}
