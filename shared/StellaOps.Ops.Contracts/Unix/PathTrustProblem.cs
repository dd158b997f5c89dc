namespace StellaOps.Ops.Contracts.Unix;

/// <summary>Why a path cannot be trusted, and what to do about it.</summary>
public sealed record PathTrustProblem(string Path, string Reason, string Fix)
{
    public const string DoesNotExist = "does not exist";

    public override string ToString() => $"{Path} {Reason}";

    /// <summary>The typed error (UntrustedPath) for this problem: "<c>{path} {reason}: {consequence}</c>".</summary>
    public OpsException ToException(string consequence, string? fix = null)
        => new(OpsErrorCode.UntrustedPath, $"{Path} {Reason}: {consequence}", Path, fix ?? Fix);
}
