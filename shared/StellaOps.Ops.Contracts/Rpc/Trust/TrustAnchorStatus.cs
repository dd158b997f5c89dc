namespace StellaOps.Ops.Contracts.Rpc;

/// <summary>An anchor's validity now: inside its window, not yet valid, or past it.</summary>
public enum TrustAnchorStatus
{
    Valid,
    NotYetValid,
    Expired,
}
