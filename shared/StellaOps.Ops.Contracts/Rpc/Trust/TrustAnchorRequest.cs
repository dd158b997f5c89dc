namespace StellaOps.Ops.Contracts.Rpc;

/// <summary>
/// A certificate (root or intermediate) or a public key to trust, as PEM. For a key, <see cref="NotBefore"/> and
/// <see cref="Expires"/> bound the signing times it is trusted for (a rotated-out key: what it signed before it was
/// replaced verifies, what was signed after does not). Certificates carry their own validity.
/// </summary>
public sealed record TrustAnchorRequest : IAuditDescribed
{
    public TrustAnchorKind Kind { get; init; }
    public string Pem { get; init; } = "";
    public DateTimeOffset? NotBefore { get; init; }
    public DateTimeOffset? Expires { get; init; }

    /// <summary>The most PEM text a request may carry (a certificate is a few KiB).</summary>
    public const int MaxPemLength = 64 * 1024;

    /// <summary>The kind, the window and the size: the PEM itself is in the anchor the audit names by id.</summary>
    public string DescribeForAudit()
        => $"{Kind} ({Pem.Length} characters of PEM)"
           + (NotBefore is { } nb ? $", not before {nb:u}" : "")
           + (Expires is { } e ? $", expires {e:u}" : "");
}
