namespace StellaOps.Ops.Contracts.Rpc;

/// <summary>
/// A forensic search of the daemon's own record of logged entries: logged in [<see cref="After"/>, <see cref="Before"/>),
/// optionally only those whose signing key id or log key (log id, hex) is <see cref="KeyId"/>, or whose subject
/// name or digest is <see cref="Subject"/>.
/// </summary>
public sealed record TlogSearchQuery
{
    public DateTimeOffset After { get; init; }
    public DateTimeOffset Before { get; init; }
    public string? KeyId { get; init; }
    public string? Subject { get; init; }
    public int Limit { get; init; } = Protocol.MaxBatchItems;
}
