using StellaOps.Ops.Contracts.Text;
using StreamJsonRpc;

namespace StellaOps.Ops.Contracts.Rpc;

public sealed record VerificationDocument
{
    /// <summary>What the document is called in the answer (its file name).</summary>
    public string Name { get; init; } = "";
    /// <summary>The DSSE envelope or Sigstore bundle JSON.</summary>
    public string Content { get; init; } = "";
}
