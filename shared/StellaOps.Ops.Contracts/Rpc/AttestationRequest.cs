using StellaOps.Ops.Contracts.Text;
using StreamJsonRpc;

namespace StellaOps.Ops.Contracts.Rpc;

public sealed record AttestationRequest : IAuditDescribed
{
    /// <summary>A short type (<c>test</c>, <c>provenance</c>, <c>sbom</c>, …) or a predicate type URI.</summary>
    public string Type { get; init; } = "";
    public IReadOnlyList<AttestationSubject> Subjects { get; init; } = [];
    /// <summary>The predicate as a JSON object text; null for an empty predicate.</summary>
    public string? PredicateJson { get; init; }
    /// <summary>Create a new attestation even if one of this type already exists for the subject.</summary>
    public bool Force { get; init; }

    /// <summary>Type and first subject (name@algorithm:hex); the predicate is evidence data and is not audited.</summary>
    public string DescribeForAudit()
    {
        var first = Subjects.Count == 0 ? "no subject"
            : Subjects[0].Name + string.Concat(Subjects[0].Digest.Take(1).Select(d => "@" + d.Key + ":" + d.Value));
        if (first.Length > 160) first = first[..160] + "…";
        var type = Type.Length > 100 ? Type[..100] + "…" : Type;
        return $"{type} for {first}{(Subjects.Count > 1 ? $" (+{Subjects.Count - 1} subjects)" : "")}{(Force ? ", force" : "")}";
    }
}
