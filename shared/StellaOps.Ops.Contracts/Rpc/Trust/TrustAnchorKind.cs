namespace StellaOps.Ops.Contracts.Rpc;

/// <summary>What a trust anchor is: a root CA (a chain must end at one), an intermediate CA (a link), or a bare public key.</summary>
public enum TrustAnchorKind
{
    Root,
    Intermediate,
    Key,
}
