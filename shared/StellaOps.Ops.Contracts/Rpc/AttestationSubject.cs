using StellaOps.Ops.Contracts.Text;
using StreamJsonRpc;

namespace StellaOps.Ops.Contracts.Rpc;

public sealed record AttestationSubject
{
    public string Name { get; init; } = "";
    /// <summary>Algorithm (sha256, sha512) → lowercase hex.</summary>
    public IReadOnlyDictionary<string, string> Digest { get; init; } = new Dictionary<string, string>();

    /// <summary><c>name@sha256:hex</c>, the way the in-toto subject reads.</summary>
    public override string ToString() => $"{Name}@{string.Join(",", Digest.Select(d => $"{d.Key}:{d.Value}"))}";
}
