namespace StellaOps.Ops.Contracts.Rpc;

public sealed record HsmLoginResult
{
    public string Hsm { get; init; } = "";
    public bool Success { get; init; }
    public string Message { get; init; } = "";
}
