using StellaOps.Ops.Contracts.Text;

namespace StellaOps.Ops.Contracts.Rpc;

public sealed record HsmStateChange
{
    public DateTimeOffset Timestamp { get; init; }
    public string Hsm { get; init; } = "";
    public string From { get; init; } = "";
    public string To { get; init; } = "";
    public string Reason { get; init; } = "";

    public override string ToString() => $"{DisplayText.Time(Timestamp)} {Hsm}: {From} -> {To} ({Reason})";
}
