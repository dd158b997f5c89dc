namespace StellaOps.Ops.Contracts.Rpc;

public sealed record KeyRotationResult
{
    public KeyInfo Retired { get; init; } = new();
    public KeyInfo Replacement { get; init; } = new();
}
