namespace StellaOps.Ops.Contracts;

/// <summary>What a caller may do. Decided by the daemon from the peer's OS credentials, never claimed by the client.</summary>
public enum CallerRole
{
    /// <summary>Refused at connect.</summary>
    None = 0,
    /// <summary>May only look: list, show, test, verify.</summary>
    Reader = 1,
    /// <summary>May change things; every such call is audited.</summary>
    Operator = 2,
}
