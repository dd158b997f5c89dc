using StellaOps.Ops.Attestation.Dsse;
using StellaOps.Ops.Attestation.InToto;

namespace StellaOps.Ops.Attestation.Verification;

/// <summary>One check: its name, outcome and the reason in words. Per-signature checks carry the index and key id.</summary>
public sealed record VerificationCheck(string Name, CheckOutcome Outcome, string Reason, int? SignatureIndex = null, string? KeyId = null)
{
    public bool Passed => Outcome == CheckOutcome.Pass;

    public override string ToString()
        => $"{(SignatureIndex is { } i ? $"signatures[{i}] " : "")}{Name}: {Outcome}{(Reason.Length > 0 ? $" ({Reason})" : "")}";
}
