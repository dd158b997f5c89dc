namespace StellaOps.Ops.Contracts.Rpc;

public sealed record CryptoProviderInfo
{
    public string Name { get; init; } = "";
    public bool Available { get; init; }
    public string Message { get; init; } = "";
    /// <summary>Why the provider is unavailable, typed, with the daemon's next step; null when it is available.</summary>
    public OpsError? Error { get; init; }
    public IReadOnlyList<ProviderAlgorithm> Algorithms { get; init; } = [];
}
