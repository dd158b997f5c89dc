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
    /// <summary><c>tlog.SearchLog</c>: only this backend (its URL), else every configured log.</summary>
    public string? Backend { get; init; }
    /// <summary>
    /// <c>tlog.SearchLog</c>: the first log index to read (the previous scan's <see cref="TlogLogScan.NextIndex"/> to go on).
    /// Null: chosen from the window, after the entries of the largest checkpoint a search verified before
    /// <see cref="After"/> (they are older than the window), else from the log's first entry.
    /// </summary>
    public long? StartIndex { get; init; }
    /// <summary><c>tlog.SearchLog</c>: at most this many entries read per log and call (1 … <see cref="MaxLogEntries"/>).</summary>
    public int MaxEntries { get; init; } = DefaultLogEntries;

    public const int DefaultLogEntries = 1000;
    /// <summary>One answer's worth (<see cref="Protocol.MaxBatchItems"/>): every entry read could be a hit.</summary>
    public const int MaxLogEntries = Protocol.MaxBatchItems;
}
