namespace StellaOps.Ops.Contracts.Rpc;

/// <summary><c>tlog.SearchLog</c>'s answer: the entries found in the logs that the daemon did not write, and what was read of each log.</summary>
public sealed record TlogLogSearch
{
    public TlogSearchHit[] Hits { get; init; } = [];
    public TlogLogScan[] Logs { get; init; } = [];
    /// <summary>Logs not read because the answer was full (<see cref="Protocol.MaxBatchItems"/> hits): read each with its backend.</summary>
    public string[] NotRead { get; init; } = [];
}
