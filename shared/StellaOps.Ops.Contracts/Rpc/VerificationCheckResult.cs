using StellaOps.Ops.Contracts.Text;
using StreamJsonRpc;

namespace StellaOps.Ops.Contracts.Rpc;

/// <summary>
/// One check of a verification. <see cref="Failure"/> is the stable id of the cause when it failed, <see cref="Cause"/>
/// the runbook's words for it, <see cref="Fix"/> the runbook command that addresses it.
/// </summary>
public sealed record VerificationCheckResult
{
    /// <summary>envelope-well-formed, statement, subject-digest, signature, key-known, key-valid-at-signing-time, …</summary>
    public string Name { get; init; } = "";
    public VerificationCheckStatus Status { get; init; }
    public string Reason { get; init; } = "";
    public OpsErrorCode? Failure { get; init; }
    public string? Cause { get; init; }
    public string? Fix { get; init; }
    /// <summary>What the check looked at (key id, window, certificate subject, time, …).</summary>
    public IReadOnlyDictionary<string, string> Evidence { get; init; } = new Dictionary<string, string>();

    public override string ToString() => $"{Name}: {Status}{(Reason.Length > 0 ? $" ({Reason})" : "")}";
}
