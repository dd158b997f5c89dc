namespace StellaOps.Ops.Hsm;

/// <summary>Result of one keep-alive round.</summary>
public sealed record HsmKeepAliveRound(HsmProbeResult Primary, HsmProbeResult? Backup, HsmMember Active, HsmGroupState State, int ConsecutiveGoodPrimaryProbes);
