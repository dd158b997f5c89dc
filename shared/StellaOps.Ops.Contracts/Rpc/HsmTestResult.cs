namespace StellaOps.Ops.Contracts.Rpc;

public sealed record HsmTestResult
{
    public string Hsm { get; init; } = "";
    public HsmTestOperation Operation { get; init; }
    public bool Success { get; init; }
    public TimeSpan Latency { get; init; }
    /// <summary>What the test found, for people: the steps that passed and, for a failed test, where it broke.</summary>
    public string Message { get; init; } = "";
    /// <summary>Why the test failed, typed (code, message, the daemon's next step); null when it succeeded.</summary>
    public OpsError? Error { get; init; }
}
