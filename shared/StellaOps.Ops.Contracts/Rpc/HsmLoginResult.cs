namespace StellaOps.Ops.Contracts.Rpc;

public sealed record HsmLoginResult
{
    public string Hsm { get; init; } = "";
    public bool Success { get; init; }
    public string Message { get; init; } = "";
    /// <summary>Why the login failed, typed (HsmPinIncorrect, HsmPinLocked, …, with the daemon's next step); null when it succeeded.</summary>
    public OpsError? Error { get; init; }
}
