using System.Security.Cryptography;
using System.Text.Json.Nodes;
using Org.BouncyCastle.Math.EC.Rfc8032;

namespace StellaOps.Ops.Tuf;

/// <summary>
/// A public key as TUF metadata lists it: <c>keytype</c>, <c>scheme</c>, <c>keyval.public</c> (hex for ed25519, PEM
/// SubjectPublicKeyInfo for ecdsa and rsa). Key ids are what the spec computes: the SHA-256 of the key's canonical JSON.
/// Keys of types or schemes this client does not know are kept (the metadata round-trips) but never verify.
/// </summary>
public sealed class TufKey
{
    public const string Ed25519 = "ed25519";
    public const string Ecdsa = "ecdsa";
    public const string EcdsaNistP256 = "ecdsa-sha2-nistp256";
    public const string EcdsaNistP384 = "ecdsa-sha2-nistp384";
    public const string Rsa = "rsa";
    public const string RsassaPssSha256 = "rsassa-pss-sha256";

    public TufKey(string keyType, string scheme, string publicValue)
    {
        KeyType = keyType;
        Scheme = scheme;
        KeyVal = new JsonObject { ["public"] = publicValue };
    }

    private TufKey(string keyType, string scheme, JsonObject keyVal, JsonObject unrecognized)
    {
        KeyType = keyType;
        Scheme = scheme;
        KeyVal = keyVal;
        UnrecognizedFields = unrecognized;
    }

    public string KeyType { get; }

    public string Scheme { get; }

    /// <summary>The <c>keyval</c> object; <c>public</c> is the key, other members are kept as received.</summary>
    public JsonObject KeyVal { get; }

    public string PublicValue => KeyVal["public"]?.GetValue<string>() ?? "";

    public JsonObject UnrecognizedFields { get; } = new();

    internal static TufKey Read(JsonNode? node, string role)
    {
        var f = new JsonFields(node, role, "key");
        var keyType = f.String("keytype");
        var scheme = f.String("scheme");
        var keyVal = f.Object("keyval");
        if (keyVal["public"] is null) throw TufErrors.Invalid(role, "a key has no keyval.public");
        f.AsString(keyVal["public"], "keyval.public");
        return new TufKey(keyType, scheme, (JsonObject)keyVal.DeepClone(), f.Rest);
    }

    public JsonObject ToJson()
    {
        var o = new JsonObject { ["keytype"] = KeyType, ["scheme"] = Scheme, ["keyval"] = KeyVal.DeepClone() };
        JsonFields.AddUnrecognized(o, UnrecognizedFields);
        return o;
    }

    /// <summary>The spec's key id: lowercase hex SHA-256 of the key's canonical JSON.</summary>
    public string ComputeKeyId() => Convert.ToHexStringLower(SHA256.HashData(OlpcCanonicalJson.Serialize(ToJson())));

    /// <summary>Whether the two describe the same key (same type, scheme and key value), whatever ids they are listed under.</summary>
    public bool SameKeyAs(TufKey other) =>
        KeyType == other.KeyType && Scheme == other.Scheme && Normalize(PublicValue) == Normalize(other.PublicValue);

    private static string Normalize(string value) => new(value.Where(c => !char.IsWhiteSpace(c)).Select(char.ToLowerInvariant).ToArray());

    /// <summary>True when <paramref name="signature"/> is this key's valid signature over <paramref name="data"/>; false for anything else, unknown schemes included.</summary>
    public bool Verify(ReadOnlySpan<byte> signature, ReadOnlySpan<byte> data)
    {
        try
        {
            switch (KeyType, Scheme)
            {
                case (Ed25519, Ed25519):
                    var pub = Convert.FromHexString(PublicValue);
                    return pub.Length == Ed25519PublicKeySize && signature.Length == Ed25519SignatureSize
                        && Org.BouncyCastle.Math.EC.Rfc8032.Ed25519.Verify(signature.ToArray(), 0, pub, 0, data.ToArray(), 0, data.Length);
                case (Ecdsa or EcdsaNistP256, EcdsaNistP256):
                    return VerifyEcdsa(signature, data, HashAlgorithmName.SHA256, 256);
                case (Ecdsa or EcdsaNistP384, EcdsaNistP384):
                    return VerifyEcdsa(signature, data, HashAlgorithmName.SHA384, 384);
                case (Rsa, RsassaPssSha256):
                    using (var rsa = RSA.Create())
                    {
                        rsa.ImportFromPem(PublicValue);
                        // Any salt length (securesystemslib verifies with PSS.AUTO), not only the digest length.
                        return RsaPssVerifier.Verify(rsa.ExportParameters(includePrivateParameters: false), signature, data, HashAlgorithmName.SHA256);
                    }
                default:
                    return false;
            }
        }
        catch (Exception e) when (e is CryptographicException or FormatException or ArgumentException)
        {
            return false;
        }
    }

    /// <summary>Whether this client can verify signatures of this key's type and scheme.</summary>
    public bool IsSupported => (KeyType, Scheme) is (Ed25519, Ed25519) or (Ecdsa or EcdsaNistP256, EcdsaNistP256)
        or (Ecdsa or EcdsaNistP384, EcdsaNistP384) or (Rsa, RsassaPssSha256);

    private bool VerifyEcdsa(ReadOnlySpan<byte> signature, ReadOnlySpan<byte> data, HashAlgorithmName hash, int curveBits)
    {
        using var ecdsa = ECDsa.Create();
        ecdsa.ImportFromPem(PublicValue);
        if (ecdsa.KeySize != curveBits) return false;
        return ecdsa.VerifyData(data, signature, hash, DSASignatureFormat.Rfc3279DerSequence);
    }

    private const int Ed25519PublicKeySize = 32;
    private const int Ed25519SignatureSize = 64;
}
