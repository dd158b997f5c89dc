namespace StellaOps.Ops.Contracts.Rpc;

public sealed record CryptoProviderInfo
{
    public string Name { get; init; } = "";
    public bool Available { get; init; }
    public string Message { get; init; } = "";
    public IReadOnlyList<ProviderAlgorithm> Algorithms { get; init; } = [];
}
