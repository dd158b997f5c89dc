namespace StellaOps.Ops.Contracts.Rpc;

/// <summary>
/// What a log search read of one log: its verified checkpoint's size, the size of the checkpoint it was proved
/// consistent with (null: the daemon had verified none of this log yet), and the indexes read [StartIndex, EndIndex);
/// <see cref="NextIndex"/> is where to go on when the cap stopped it short of the checkpoint.
/// </summary>
public sealed record TlogLogScan
{
    public string Backend { get; init; } = "";
    public int ApiVersion { get; init; }
    public long CheckpointSize { get; init; }
    public long? ConsistentWithSize { get; init; }
    public long StartIndex { get; init; }
    public long EndIndex { get; init; }
    public long? NextIndex { get; init; }
    /// <summary>Entries read that this daemon wrote (they are in its own record).</summary>
    public long Own { get; init; }
}
