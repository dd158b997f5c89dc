namespace StellaOps.Ops.Contracts.Rpc;

public sealed record HsmStatus
{
    public HsmOverallState State { get; init; }
    public HsmMemberRole Active { get; init; }
    public IReadOnlyList<HsmMemberStatus> Members { get; init; } = [];
    public bool KeepAlive { get; init; }
    public Duration KeepAliveInterval { get; init; }
    public Duration SessionTimeout { get; init; }
    public IReadOnlyList<HsmStateChange> History { get; init; } = [];
}
