using StellaOps.Ops.Contracts.Text;
using StreamJsonRpc;

namespace StellaOps.Ops.Contracts.Rpc;

public sealed record IntegrityCheck
{
    /// <summary>statement-digest, envelope-payload, payload-type, signature, key-known.</summary>
    public string Name { get; init; } = "";
    public bool Passed { get; init; }
    public string Message { get; init; } = "";

    public override string ToString() => Passed ? $"{Name}: ok" : $"{Name}: FAILED {Message}".TrimEnd();
}
