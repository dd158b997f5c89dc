namespace StellaOps.Ops.Contracts.Rpc;

/// <summary>A transparency-log backend in use (filled by the transparency-log client; empty until it is wired).</summary>
public sealed record TrustBackendStatus
{
    public string Url { get; init; } = "";
    public string State { get; init; } = "";
    public string Message { get; init; } = "";
}
