using StellaOps.Ops.Contracts.Text;
using StreamJsonRpc;

namespace StellaOps.Ops.Contracts.Rpc;

public sealed record AttestorStatus
{
    /// <summary>hsm or software (attest.signing.mode).</summary>
    public string SigningMode { get; init; } = "";
    /// <summary>attest.signing.key_id when set.</summary>
    public string? ConfiguredKeyId { get; init; }
    /// <summary>The key the attestor would sign with now; null when there is none usable (see <see cref="KeyProblem"/>).</summary>
    public KeyInfo? SigningKey { get; init; }
    /// <summary>Why there is no usable signing key (none active, expired, revoked, …).</summary>
    public OpsError? KeyProblem { get; init; }
    public long Pending { get; init; }
    public long Signed { get; init; }
    public long Failed { get; init; }
    /// <summary>Attestations whose log entries are stored and verified (status Logged).</summary>
    public long Logged { get; init; }
    /// <summary>Signed attestations waiting in the transparency-log outbox (0 when no log is configured: nothing is queued).</summary>
    public long Queued { get; init; }
    public DateTimeOffset? LastSignedAt { get; init; }
    public AttestationFailure? LastFailure { get; init; }
    /// <summary>attestor_signing_failures_total since the daemon started.</summary>
    public long SigningFailuresTotal { get; init; }
    public DaemonStatus Daemon { get; init; } = new();
}
