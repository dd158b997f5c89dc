using StellaOps.Ops.Contracts.Text;
using StreamJsonRpc;

namespace StellaOps.Ops.Contracts.Rpc;

public sealed record AttestationFailure
{
    public string AttestationId { get; init; } = "";
    public DateTimeOffset At { get; init; }
    /// <summary>The failure as it was recorded: code, message and what to do.</summary>
    public OpsError Error { get; init; } = new();

    public override string ToString() => $"{DisplayText.Time(At)} {AttestationId} {Error.Code}: {Error.Message}";
}
