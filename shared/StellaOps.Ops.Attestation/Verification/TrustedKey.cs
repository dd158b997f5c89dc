using StellaOps.Ops.Attestation.Signing;
using StellaOps.Ops.Contracts;

namespace StellaOps.Ops.Attestation.Verification;

/// <summary>
/// A public key the verifier trusts, with an optional validity window. The window bounds when the key may have
/// signed: a key rotated out (NotAfter in the past) still verifies what it signed inside its window.
/// </summary>
public sealed class TrustedKey
{
    /// <param name="spkiDer">SubjectPublicKeyInfo DER; the algorithm is detected from its OID and curve.</param>
    /// <param name="notBefore">Earliest signing time the key is trusted for (inclusive), or null for no bound.</param>
    /// <param name="notAfter">Latest signing time the key is trusted for (inclusive), or null for no bound.</param>
    /// <param name="keyId">Overrides the key id; by default the SHA-256 of <paramref name="spkiDer"/>.</param>
    /// <param name="source">Where the trust came from, in words ("daemon key store", "trust anchor added by alice"); shown by the verifier.</param>
    public TrustedKey(ReadOnlySpan<byte> spkiDer, DateTimeOffset? notBefore = null, DateTimeOffset? notAfter = null, string? keyId = null, string? source = null)
    {
        if (!KeyAlgorithms.TryDetect(spkiDer, out var algorithm, out var error))
        {
            throw new ArgumentException($"Cannot trust this public key: {error}", nameof(spkiDer));
        }
        if (notBefore is { } nb && notAfter is { } na && na < nb)
        {
            throw new ArgumentException($"The validity window ends ({na:O}) before it starts ({nb:O}).", nameof(notAfter));
        }
        SubjectPublicKeyInfo = spkiDer.ToArray();
        Algorithm = algorithm;
        NotBefore = notBefore;
        NotAfter = notAfter;
        KeyId = keyId ?? KeyIds.FromSpki(spkiDer);
        Source = source ?? "";
    }

    public static TrustedKey FromPem(string pem, DateTimeOffset? notBefore = null, DateTimeOffset? notAfter = null, string? keyId = null, string? source = null)
        => new(PublicKeyPem.Decode(pem), notBefore, notAfter, keyId, source);

    /// <summary>Where the trust came from, in words; empty when the creator did not say.</summary>
    public string Source { get; }

    public string KeyId { get; }

    public KeyAlgorithm Algorithm { get; }

    public byte[] SubjectPublicKeyInfo { get; }

    public DateTimeOffset? NotBefore { get; }

    public DateTimeOffset? NotAfter { get; }

    public bool HasValidityWindow => NotBefore is not null || NotAfter is not null;

    /// <summary>
    /// Whether the key was trusted at <paramref name="time"/>, a time known only to <paramref name="resolution"/>: an
    /// RFC 3161 genTime in whole seconds stands for any instant of that second, so a key made in that same second
    /// (its window starting a fraction after the genTime) is valid at it. The window and [time, time + resolution]
    /// only have to meet; with no resolution this is the plain inclusive test.
    /// </summary>
    public bool IsValidAt(DateTimeOffset time, TimeSpan resolution = default)
        => (NotBefore is null || time + resolution >= NotBefore) && (NotAfter is null || time <= NotAfter);

    public string DescribeWindow()
        => $"[{NotBefore?.ToString("O") ?? "-∞"}, {NotAfter?.ToString("O") ?? "+∞"}]";

    public override string ToString() => $"{Algorithm.ToName()} {KeyId} valid {DescribeWindow()}";
}
