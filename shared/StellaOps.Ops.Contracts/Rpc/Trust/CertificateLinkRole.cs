namespace StellaOps.Ops.Contracts.Rpc;

/// <summary>Where a link sits in a chain. <see cref="Missing"/> stands for a certificate the chain needs and nobody has.</summary>
public enum CertificateLinkRole
{
    Leaf,
    Intermediate,
    Root,
    Missing,
}
