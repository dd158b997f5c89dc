namespace StellaOps.Ops.Contracts.Rpc;

/// <summary>The log client's state: the backends in failover order and the outbox.</summary>
public sealed record TlogStatus
{
    public TlogBackendInfo[] Backends { get; init; } = [];
    /// <summary>Why no backend is configured (and the command that configures one), or null.</summary>
    public OpsError? NotConfigured { get; init; }
    public long OutboxDepth { get; init; }
    public DateTimeOffset? OutboxOldest { get; init; }
    public long Logged { get; init; }
}
