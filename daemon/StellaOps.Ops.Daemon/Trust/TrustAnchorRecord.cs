using System.Security.Cryptography.X509Certificates;
using StellaOps.Ops.Attestation.Certificates;
using StellaOps.Ops.Attestation.Signing;
using StellaOps.Ops.Contracts;
using StellaOps.Ops.Contracts.Rpc;

namespace StellaOps.Ops.Daemon.Trust;

/// <summary>A trust anchor as stored. <see cref="Der"/> is the certificate DER, or a key's SubjectPublicKeyInfo.</summary>
public sealed record TrustAnchorRecord
{
    public required string Id { get; init; }
    public required TrustAnchorKind Kind { get; init; }
    public required string Subject { get; init; }
    public required string Issuer { get; init; }
    public string? SerialNumber { get; init; }
    public KeyAlgorithm? Algorithm { get; init; }
    public required byte[] Der { get; init; }
    public DateTimeOffset? NotBefore { get; init; }
    public DateTimeOffset? NotAfter { get; init; }
    public required string AddedBy { get; init; }
    public required DateTimeOffset AddedAt { get; init; }

    public bool IsCertificate => Kind is TrustAnchorKind.Root or TrustAnchorKind.Intermediate;

    public X509Certificate2 Certificate() => X509CertificateLoader.LoadCertificate(Der);

    public TrustAnchorStatus StatusAt(DateTimeOffset now)
        => NotBefore is { } nb && now < nb ? TrustAnchorStatus.NotYetValid
            : NotAfter is { } na && now > na ? TrustAnchorStatus.Expired
            : TrustAnchorStatus.Valid;

    public string Pem() => IsCertificate
        ? new string(System.Security.Cryptography.PemEncoding.Write(CertificatePem.Label, Der)) + "\n"
        : PublicKeyPem.Encode(Der);

    public TrustAnchorInfo ToInfo(DateTimeOffset now, bool created = false, string[]? warnings = null) => new()
    {
        Id = Id,
        Kind = Kind,
        Subject = Subject,
        Issuer = Issuer,
        SerialNumber = SerialNumber,
        Algorithm = Algorithm,
        NotBefore = NotBefore,
        NotAfter = NotAfter,
        Status = StatusAt(now),
        AddedBy = AddedBy,
        AddedAt = AddedAt,
        Pem = Pem(),
        Created = created,
        Warnings = warnings ?? [],
    };
}
