namespace StellaOps.Ops.PowerShell.Operations;

/// <summary>The Disaster Recovery Guide's communication templates.</summary>
public enum IncidentNoticeKind
{
    /// <summary>"Outage Notification": a transparency-log (Rekor) disruption and the failover state.</summary>
    Outage,
    /// <summary>"Key Rotation Notice": the affected and the new key, the sync command, the revocation time.</summary>
    KeyRotation,
}
