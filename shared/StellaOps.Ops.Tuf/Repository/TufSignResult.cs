namespace StellaOps.Ops.Tuf.Repository;

/// <summary>What <see cref="TufRepository.SignAsync"/> did: the roles signed (role → new version) and what is still pending.</summary>
public sealed class TufSignResult
{
    public Dictionary<string, long> Signed { get; } = new(StringComparer.Ordinal);

    /// <summary>The pending root's version, when one still lacks signatures.</summary>
    public long? PendingRootVersion { get; set; }

    /// <summary>Who still has to sign the pending root (holder names, with the threshold each part needs).</summary>
    public List<string> StillToSign { get; } = [];

    public override string ToString() =>
        string.Join(", ", Signed.Select(kv => $"{kv.Key} {kv.Value}"))
        + (PendingRootVersion is { } v ? $"; root {v} pending, still to sign: {string.Join(", ", StillToSign)}" : "");
}
