namespace StellaOps.Ops.Contracts.Rpc;

public sealed record ProviderAlgorithm
{
    public string Algorithm { get; init; } = "";
    public bool CanGenerate { get; init; }
    public bool CanSign { get; init; }

    public override string ToString() => $"{Algorithm}{(CanGenerate ? " generate" : "")}{(CanSign ? " sign" : "")}";
}
