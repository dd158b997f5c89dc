using StellaOps.Ops.Contracts.Text;
using StreamJsonRpc;

namespace StellaOps.Ops.Contracts.Rpc;

public sealed record VerificationRequest : IAuditDescribed
{
    /// <summary>The most bytes one document may have (1 MiB); a frame holds several.</summary>
    public const int MaxDocumentBytes = 1024 * 1024;

    /// <summary>Stored attestation ids (or unambiguous prefixes of at least 8 characters).</summary>
    public IReadOnlyList<string> Ids { get; init; } = [];
    /// <summary>The newest n signed stored attestations (1 to <see cref="Protocol.MaxBatchItems"/>).</summary>
    public int? Last { get; init; }
    /// <summary>Every stored signed attestation with a subject of this digest (<c>sha256:hex</c>), newest first, up to the batch limit.</summary>
    public string? Subject { get; init; }
    /// <summary>DSSE envelopes or Sigstore bundles as JSON text, each with the name it is reported under (a file name).</summary>
    public IReadOnlyList<VerificationDocument> Documents { get; init; } = [];
    public VerificationPolicy Policy { get; init; } = new();
    /// <summary>
    /// The caller's own trust for this request, added to the daemon's (Test-StellaAttestation -Path with -TrustedKey):
    /// PEM public keys, each named by where it came from (a file), trusted with no window.
    /// </summary>
    public IReadOnlyList<VerificationDocument> TrustedKeys { get; init; } = [];
    /// <summary>The caller's PEM CA certificates for this request (-TrustAnchor): self-signed ones as roots, others as intermediates.</summary>
    public IReadOnlyList<VerificationDocument> TrustAnchors { get; init; } = [];

    public string DescribeForAudit()
        => $"{Ids.Count} id(s){(Last is { } n ? $", last {n}" : "")}{(Subject is null ? "" : $", subject {Subject}")}, {Documents.Count} document(s){(TrustedKeys.Count + TrustAnchors.Count > 0 ? $", {TrustedKeys.Count} caller key(s), {TrustAnchors.Count} caller anchor file(s)" : "")}";
}
