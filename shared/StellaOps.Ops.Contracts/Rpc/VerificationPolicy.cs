using StellaOps.Ops.Contracts.Text;
using StreamJsonRpc;

namespace StellaOps.Ops.Contracts.Rpc;

/// <summary>
/// What one verification must show beyond a good signature from trusted material. Everything null or 0 asks for no
/// more than that.
/// </summary>
public sealed record VerificationPolicy
{
    /// <summary>A subject of the statement must carry this digest (<c>sha256:hex</c>, or another algorithm the subject names).</summary>
    public string? ExpectedSubjectDigest { get; init; }
    /// <summary>The signing key must belong to this issuer (by id), and the issuer must be trusted.</summary>
    public string? ExpectedIssuer { get; init; }
    /// <summary>How many transparency-log entries must be included and verified (0: none required).</summary>
    public int RequiredLogEntries { get; init; }
}
