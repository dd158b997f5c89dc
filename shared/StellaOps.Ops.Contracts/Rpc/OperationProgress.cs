namespace StellaOps.Ops.Contracts.Rpc;

public sealed record OperationProgress
{
    public string Activity { get; init; } = "";
    public string Status { get; init; } = "";
    /// <summary>0–100, or -1 when unknown.</summary>
    public int PercentComplete { get; init; } = -1;
}
