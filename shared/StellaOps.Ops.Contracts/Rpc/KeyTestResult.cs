namespace StellaOps.Ops.Contracts.Rpc;

public sealed record KeyTestResult
{
    public string Id { get; init; } = "";
    public KeyOperation Operation { get; init; }
    public bool Success { get; init; }
    public KeyAlgorithm Algorithm { get; init; }
    public KeyProvider Provider { get; init; }
    public TimeSpan Latency { get; init; }
    public string Message { get; init; } = "";
}
