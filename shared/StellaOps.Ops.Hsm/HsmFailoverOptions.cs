using Microsoft.Extensions.Logging;

namespace StellaOps.Ops.Hsm;

/// <summary>Options of a <see cref="HsmFailoverGroup"/>.</summary>
public sealed record HsmFailoverOptions
{
    public string Name { get; init; } = "hsm";
    /// <summary>Consecutive good keep-alive probes of the primary required before failing back. Default 3.</summary>
    public int FailbackAfterGoodProbes { get; init; } = 3;
    public bool KeepAliveEnabled { get; init; } = true;
    public TimeSpan KeepAliveInterval { get; init; } = TimeSpan.FromSeconds(30);
    public int HistoryCapacity { get; init; } = 100;
    public TimeProvider TimeProvider { get; init; } = TimeProvider.System;
    public ILogger? Logger { get; init; }
}
