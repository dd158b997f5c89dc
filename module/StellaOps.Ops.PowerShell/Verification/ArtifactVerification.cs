using StellaOps.Ops.Contracts.Rpc;

namespace StellaOps.Ops.PowerShell.Verification;

/// <summary>What Test-StellaArtifact found for one subject digest: every attestation about it, stored or in the folder, verified.</summary>
public sealed record ArtifactVerification
{
    public string Digest { get; init; } = "";
    /// <summary>True when there is at least one attestation and every one verified.</summary>
    public bool Verified { get; init; }
    public int Total { get; init; }
    public int Passed { get; init; }
    public int Failed { get; init; }
    public IReadOnlyList<AttestationVerification> Results { get; init; } = [];

    public override string ToString() => $"{Digest}: {Passed} of {Total} attestation(s) verified";
}
