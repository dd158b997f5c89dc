namespace StellaOps.Ops.Contracts.Rpc;

public sealed record ReloadResult
{
    public IReadOnlyList<string> Changed { get; init; } = [];
    public DateTimeOffset ReloadedAt { get; init; }
    /// <summary>What a capability could not apply (e.g. the HSM is unreachable); the rest of the reload still took effect.</summary>
    public IReadOnlyList<string> Warnings { get; init; } = [];
}
