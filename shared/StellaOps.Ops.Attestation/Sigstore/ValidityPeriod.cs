namespace StellaOps.Ops.Attestation.Sigstore;

/// <summary>
/// A Sigstore <c>validFor</c> window (<c>TimeRange</c> in the protobuf specs): a start and an optional end, both
/// inclusive. An open end means "still valid"; a start in the future means "not yet" (a planned rotation).
/// </summary>
public sealed record ValidityPeriod(DateTimeOffset Start, DateTimeOffset? End = null)
{
    public bool Contains(DateTimeOffset time) => time >= Start && (End is null || time <= End);

    public override string ToString() => $"[{Start:O}, {End?.ToString("O") ?? "open"}]";
}
