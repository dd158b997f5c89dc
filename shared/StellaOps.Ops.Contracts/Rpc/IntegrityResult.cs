using StellaOps.Ops.Contracts.Text;
using StreamJsonRpc;

namespace StellaOps.Ops.Contracts.Rpc;

public sealed record IntegrityResult
{
    public string Id { get; init; } = "";
    public bool Intact { get; init; }
    public AttestationStatus Status { get; init; }
    public IReadOnlyList<IntegrityCheck> Checks { get; init; } = [];
}
