namespace StellaOps.Ops.Tuf.Repository;

/// <summary>What a ceremony did, kept in <c>ceremonies/</c>: when, which root it made, who holds which key (by fingerprint).</summary>
public sealed class TufCeremonyRecord
{
    public required string Ceremony { get; init; }

    public required DateTimeOffset Time { get; init; }

    public required string Operator { get; init; }

    public required long RootVersion { get; init; }

    public required string RootSha256 { get; init; }

    public required int Threshold { get; init; }

    public required string Algorithm { get; init; }

    public required List<RootKeyHolder> Holders { get; init; }

    /// <summary>Online role → key id.</summary>
    public Dictionary<string, string> OnlineKeys { get; init; } = new(StringComparer.Ordinal);

    public bool Pending { get; init; }

    public string? Path { get; set; }
}
