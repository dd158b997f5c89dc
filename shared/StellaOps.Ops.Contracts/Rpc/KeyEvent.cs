namespace StellaOps.Ops.Contracts.Rpc;

public sealed record KeyEvent
{
    public long Sequence { get; init; }
    public DateTimeOffset Timestamp { get; init; }
    public string KeyId { get; init; } = "";
    public string Event { get; init; } = "";
    public string Detail { get; init; } = "";
    public string Actor { get; init; } = "";
}
