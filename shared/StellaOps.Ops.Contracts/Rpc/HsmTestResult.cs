namespace StellaOps.Ops.Contracts.Rpc;

public sealed record HsmTestResult
{
    public string Hsm { get; init; } = "";
    public HsmTestOperation Operation { get; init; }
    public bool Success { get; init; }
    public TimeSpan Latency { get; init; }
    public string Message { get; init; } = "";
}
