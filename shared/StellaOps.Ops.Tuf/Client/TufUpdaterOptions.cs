using StellaOps.Ops.Contracts.Unix;

namespace StellaOps.Ops.Tuf;

/// <summary>Where a <see cref="TufUpdater"/> keeps its state, where the repository is, and its limits.</summary>
public sealed class TufUpdaterOptions
{
    /// <summary>The local metadata cache: <c>root.json</c> (the trusted root, put there by <see cref="TufUpdater.Initialize"/>), <c>timestamp.json</c>, …</summary>
    public required string MetadataDirectory { get; init; }

    /// <summary>The repository's metadata URL (a trailing <c>/</c> is added when missing).</summary>
    public required string MetadataBaseUrl { get; init; }

    /// <summary>The repository's targets URL; needed only to download targets.</summary>
    public string? TargetBaseUrl { get; init; }

    /// <summary>Where downloaded targets are kept (by their escaped path); needed only for targets.</summary>
    public string? TargetDirectory { get; init; }

    /// <summary>Defaults to an <see cref="HttpTufFetcher"/> the updater owns.</summary>
    public ITufFetcher? Fetcher { get; init; }

    public TimeProvider Clock { get; init; } = TimeProvider.System;

    /// <summary>
    /// Called as each step of a refresh starts, in order, on the refreshing thread, with the role about to be updated:
    /// <see cref="TufRoleNames.Root"/> (the rotation chain from the trusted root), then timestamp, snapshot and targets
    /// (with its delegations). For progress reports only.
    /// </summary>
    public Action<string>? StepStarted { get; init; }

    /// <summary>Who may own the cache directories and files besides root; defaults to this process's user.</summary>
    public PathTrust? PathTrust { get; init; }

    public int MaxRootRotations { get; init; } = 256;

    public int MaxDelegations { get; init; } = 32;

    /// <summary>Size limits for files whose trusted parent gives no length (the spec's reference values).</summary>
    public long RootMaxLength { get; init; } = 512_000;

    public long TimestampMaxLength { get; init; } = 16_384;

    public long SnapshotMaxLength { get; init; } = 2_000_000;

    public long TargetsMaxLength { get; init; } = 5_000_000;

    /// <summary>With consistent snapshots, request targets as <c>{hash}.{name}</c> (the spec's default).</summary>
    public bool PrefixTargetsWithHash { get; init; } = true;

    /// <summary>
    /// Refuse to refresh when the clock is earlier than the last successful refresh (an attacker who moves the clock
    /// back could make expired metadata look fresh). Only test harnesses that move the clock themselves turn it off.
    /// </summary>
    public bool RefuseClockRollback { get; init; } = true;
}
