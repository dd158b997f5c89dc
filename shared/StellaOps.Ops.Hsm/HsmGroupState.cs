namespace StellaOps.Ops.Hsm;

/// <summary>State of a failover group.</summary>
public enum HsmGroupState
{
    Connected,
    Degraded,
    Down,
    /// <summary>The backup serves operations because the primary failed.</summary>
    FailedOver,
}
