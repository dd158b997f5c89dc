using StellaOps.Ops.Contracts.Text;
using StreamJsonRpc;

namespace StellaOps.Ops.Contracts.Rpc;

/// <summary>Where the signing time a key window and a certificate validity were judged at came from.</summary>
public enum SigningTimeSource
{
    /// <summary>The daemon's own record of when it signed the stored attestation.</summary>
    DaemonRecord,
    /// <summary>A verified transparency-log entry's integrated time.</summary>
    TransparencyLog,
    /// <summary>A verified RFC 3161 timestamp from a trusted time-stamping authority.</summary>
    Rfc3161Timestamp,
    /// <summary>No evidence of when it was signed: judged at the time of verification.</summary>
    CurrentTime,
}
