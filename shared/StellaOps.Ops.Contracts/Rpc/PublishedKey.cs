namespace StellaOps.Ops.Contracts.Rpc;

public sealed record PublishedKey
{
    public string Id { get; init; } = "";
    public string Path { get; init; } = "";
    public DateTimeOffset PublishedAt { get; init; }
}
