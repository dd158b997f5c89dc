using System.Security.Cryptography;
using System.Security.Cryptography.X509Certificates;
using System.Text.Json;
using static StellaOps.Ops.Attestation.Sigstore.SigstoreJsonReader;

namespace StellaOps.Ops.Attestation.Sigstore;

/// <summary>
/// Reads and validates a Sigstore <c>trusted_root.json</c> into a <see cref="SigstoreTrustedRoot"/>. Every log key must
/// be a DER SubjectPublicKeyInfo with its algorithm and window, every CA or TSA chain a list of DER certificates; a
/// window is closed at its start and open or closed at its end, both ends inclusive. Overlapping windows and windows
/// that start in the future (a planned rotation) are accepted, as the spec requires. A bad document is refused with
/// a <see cref="FormatException"/> naming the field.
/// </summary>
public static class SigstoreTrustedRootParser
{
    public const string MediaTypeV02 = "application/vnd.dev.sigstore.trustedroot.v0.2+json";
    public const string MediaTypeV01 = "application/vnd.dev.sigstore.trustedroot.v0.1+json";
    public const string MediaTypeLegacy = "application/vnd.dev.sigstore.trustedroot+json;version=0.1";

    /// <summary>The largest trusted root or signing config read (the public-good trusted root is 9 KB).</summary>
    public const int MaxDocumentBytes = SigstoreJsonReader.MaxDocumentBytes;

    public static IReadOnlyList<string> SupportedMediaTypes { get; } = [MediaTypeV02, MediaTypeV01, MediaTypeLegacy];

    public static SigstoreTrustedRoot Parse(ReadOnlySpan<byte> utf8Json)
    {
        using var doc = Open(utf8Json, "trusted root");
        var root = doc.RootElement;
        var mediaType = RequiredString(root, "mediaType", "");
        if (!SupportedMediaTypes.Contains(mediaType, StringComparer.Ordinal))
            throw new FormatException($"Unsupported trusted root mediaType '{mediaType}'; expected '{MediaTypeV02}' (or v0.1).");
        return new SigstoreTrustedRoot(
            mediaType,
            [.. Array(root, "tlogs", "").Select(e => Log(e.Item, e.Where))],
            [.. Array(root, "certificateAuthorities", "").Select(e => Authority(e.Item, e.Where))],
            [.. Array(root, "ctlogs", "").Select(e => Log(e.Item, e.Where))],
            [.. Array(root, "timestampAuthorities", "").Select(e => Authority(e.Item, e.Where))]);
    }

    public static SigstoreTrustedRoot Parse(string json) => Parse(System.Text.Encoding.UTF8.GetBytes(json));

    public static bool TryParse(ReadOnlySpan<byte> utf8Json, [System.Diagnostics.CodeAnalysis.NotNullWhen(true)] out SigstoreTrustedRoot? trustedRoot, out string error)
    {
        try
        {
            trustedRoot = Parse(utf8Json);
            error = "";
            return true;
        }
        catch (FormatException e)
        {
            trustedRoot = null;
            error = e.Message;
            return false;
        }
    }

    private static TransparencyLogInstance Log(JsonElement log, string where)
    {
        var baseUrl = Url(log, "baseUrl", where, schemeless: true);
        var hash = RequiredString(log, "hashAlgorithm", where);
        var key = RequiredObject(log, "publicKey", where);
        var spki = RequiredBase64(key, "rawBytes", where + ".publicKey");
        RequireSubjectPublicKeyInfo(spki, where + ".publicKey.rawBytes");
        var details = RequiredString(key, "keyDetails", where + ".publicKey");
        var validFor = Validity(key, "validFor", where + ".publicKey");
        var logId = RequiredBase64(RequiredObject(log, "logId", where), "keyId", where + ".logId");
        var checkpoint = OptionalObject(log, "checkpointKeyId", where) is { } c ? RequiredBase64(c, "keyId", where + ".checkpointKeyId") : null;
        return new TransparencyLogInstance(baseUrl, hash, spki, details, validFor, logId, checkpoint, OptionalString(log, "operator", where) is { Length: > 0 } op ? op : null);
    }

    private static CertificateAuthorityInstance Authority(JsonElement ca, string where)
    {
        var subject = OptionalObject(ca, "subject", where);
        var organization = subject is { } s ? OptionalString(s, "organization", where + ".subject") ?? "" : "";
        var commonName = subject is { } n ? OptionalString(n, "commonName", where + ".subject") ?? "" : "";
        var uriText = OptionalString(ca, "uri", where);
        Uri? uri = null;
        if (uriText is { Length: > 0 } && !Uri.TryCreate(uriText, UriKind.Absolute, out uri))
            throw new FormatException($"{where}.uri '{uriText}' is not an absolute URI.");
        var chain = new List<byte[]>();
        foreach (var (item, at) in Array(RequiredObject(ca, "certChain", where), "certificates", where + ".certChain"))
        {
            var der = RequiredBase64(item, "rawBytes", at);
            try
            {
                using var _ = X509CertificateLoader.LoadCertificate(der);
            }
            catch (CryptographicException)
            {
                throw new FormatException($"{at}.rawBytes is not a DER X.509 certificate.");
            }
            chain.Add(der);
        }
        if (chain.Count == 0) throw new FormatException($"{where}.certChain has no certificates.");
        return new CertificateAuthorityInstance(organization, commonName, uri, chain, Validity(ca, "validFor", where),
            OptionalString(ca, "operator", where) is { Length: > 0 } op ? op : null);
    }
}
