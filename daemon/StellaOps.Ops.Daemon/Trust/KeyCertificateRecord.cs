using System.Security.Cryptography.X509Certificates;
using StellaOps.Ops.Attestation.Certificates;
using StellaOps.Ops.Contracts.Rpc;

namespace StellaOps.Ops.Daemon.Trust;

/// <summary>A key's stored certificate: the leaf and the links above it, nearest first.</summary>
public sealed record KeyCertificateRecord
{
    public required string KeyId { get; init; }
    public required X509Certificate2 Leaf { get; init; }
    public required IReadOnlyList<X509Certificate2> Chain { get; init; }
    public required string SetBy { get; init; }
    public required DateTimeOffset SetAt { get; init; }

    public KeyCertificateInfo ToInfo(string[]? warnings = null) => new()
    {
        KeyId = KeyId,
        Leaf = Summary(Leaf),
        Chain = [.. Chain.Select(Summary)],
        SetBy = SetBy,
        SetAt = SetAt,
        Pem = CertificatePem.Write([Leaf, .. Chain]),
        Warnings = warnings ?? [],
    };

    public static CertificateSummary Summary(X509Certificate2 c) => new()
    {
        Fingerprint = CertificatePem.Fingerprint(c),
        Subject = c.Subject,
        Issuer = c.Issuer,
        SerialNumber = c.SerialNumber.ToLowerInvariant(),
        NotBefore = CertificateFacts.NotBefore(c),
        NotAfter = CertificateFacts.NotAfter(c),
    };
}
