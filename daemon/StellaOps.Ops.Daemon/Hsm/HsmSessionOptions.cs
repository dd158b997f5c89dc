using StellaOps.Ops.Contracts;

namespace StellaOps.Ops.Daemon.Hsm;

public sealed class HsmSessionOptions
{
    /// <summary>Deadline of every PKCS#11 call (hsm.session.timeout).</summary>
    public Duration Timeout { get; set; } = Duration.Parse("30s");
    /// <summary>Keep-alive probes on/off (hsm.session.keepalive).</summary>
    public bool Keepalive { get; set; } = true;
    /// <summary>Keep-alive interval (hsm.session.keepalive_interval).</summary>
    public Duration KeepaliveInterval { get; set; } = Duration.Parse("60s");
}
