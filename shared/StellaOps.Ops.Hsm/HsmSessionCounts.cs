namespace StellaOps.Ops.Hsm;

/// <summary>Session counts: the persistent logged-in session plus the operation pool.</summary>
public sealed record HsmSessionCounts(bool PersistentOpen, int PoolInUse, int PoolIdle, int PoolSize);
