namespace StellaOps.Ops.Hsm;

/// <summary>State of one HSM connection.</summary>
public enum HsmConnectionState
{
    /// <summary>Working, no recent errors.</summary>
    Connected,
    /// <summary>Working, but errors happened recently or the session pool was exhausted.</summary>
    Degraded,
    /// <summary>Not usable; see the reason. Reconnects in the background.</summary>
    Down,
}
