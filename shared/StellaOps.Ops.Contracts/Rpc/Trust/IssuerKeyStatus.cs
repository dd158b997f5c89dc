namespace StellaOps.Ops.Contracts.Rpc;

/// <summary>An issuer key's state as its document states it, and Expired once its window has passed.</summary>
public enum IssuerKeyStatus
{
    Active,
    Retired,
    Revoked,
    Expired,
}
