using StellaOps.Ops.Contracts.Text;
using StreamJsonRpc;

namespace StellaOps.Ops.Contracts.Rpc;

public sealed record AttestationExport
{
    public string Id { get; init; } = "";
    public AttestationExportFormat Format { get; init; }
    public string MediaType { get; init; } = "";
    public string Content { get; init; } = "";
    /// <summary>A file name to suggest when the caller names only a folder.</summary>
    public string SuggestedFileName { get; init; } = "";
}
