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
    /// <summary>
    /// Why the read began at <see cref="StartIndex"/>: <see cref="FromStartIndex"/> (the caller's), <see cref="FromCheckpoint"/>
    /// (after the entries of the checkpoint a search verified at <see cref="CheckpointVerifiedAt"/>, before the window),
    /// <see cref="FromLogStart"/> (the window may hold any entry: none is skipped).
    /// </summary>
    public string StartedFrom { get; init; } = FromLogStart;
    /// <summary>With <see cref="FromCheckpoint"/>: when the checkpoint whose size the read began at was verified.</summary>
    public DateTimeOffset? CheckpointVerifiedAt { get; init; }
    public long EndIndex { get; init; }
    public long? NextIndex { get; init; }
    /// <summary>Entries read that this daemon wrote (they are in its own record).</summary>
    public long Own { get; init; }

    public const string FromStartIndex = "start-index";
    public const string FromCheckpoint = "checkpoint";
    public const string FromLogStart = "log-start";
}
