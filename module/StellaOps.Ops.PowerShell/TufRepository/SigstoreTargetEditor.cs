using System.Security.Cryptography;
using System.Text;
using System.Text.Json;
using System.Text.Json.Nodes;
using Org.BouncyCastle.Asn1.X509;
using StellaOps.Ops.Attestation.Sigstore;
using StellaOps.Ops.Attestation.Verification;
using StellaOps.Ops.Tuf.Repository;

namespace StellaOps.Ops.PowerShell.TufRepository;

/// <summary>
/// The repository's Sigstore targets, edited as JSON (fields the tooling does not know are kept) and checked with the
/// project's parsers before they are written: <c>signing_config.v0.2.json</c> (Rekor URL windows),
/// <c>trusted_root.json</c> (log keys with windows) and <c>signing-keys.json</c> (the verifiers' issuer keys with windows).
/// </summary>
public static class SigstoreTargetEditor
{
    public const string SigningConfig = "signing_config.v0.2.json";
    public const string TrustedRoot = "trusted_root.json";
    public const string SigningKeys = SigningKeysDocument.TargetName;
    public const string SigningKeysMediaType = SigningKeysDocument.MediaType;

    public static string Time(DateTimeOffset t) => t.ToUniversalTime().ToString("yyyy-MM-ddTHH:mm:ssZ");

    /// <summary>The first targets of a new repository: a signing config naming <paramref name="rekorUrl"/>, a trusted root with no log key yet, no signing keys.</summary>
    public static Dictionary<string, byte[]> InitialContent(Uri rekorUrl, DateTimeOffset now) => new(StringComparer.Ordinal)
    {
        [SigningConfig] = Serialize(new JsonObject
        {
            ["mediaType"] = SigstoreSigningConfigParser.MediaTypeV02,
            ["caUrls"] = new JsonArray(),
            ["oidcUrls"] = new JsonArray(),
            ["rekorTlogUrls"] = new JsonArray(RekorService(rekorUrl, 1, now)),
            ["rekorTlogConfig"] = new JsonObject { ["selector"] = "ANY" },
            ["tsaUrls"] = new JsonArray(),
        }),
        [TrustedRoot] = Serialize(new JsonObject
        {
            ["mediaType"] = SigstoreTrustedRootParser.MediaTypeV02,
            ["tlogs"] = new JsonArray(),
            ["certificateAuthorities"] = new JsonArray(),
            ["ctlogs"] = new JsonArray(),
            ["timestampAuthorities"] = new JsonArray(),
        }),
        [SigningKeys] = Serialize(new JsonObject { ["mediaType"] = SigningKeysMediaType, ["keys"] = new JsonArray() }),
    };

    /// <summary>Ends every open Rekor window and opens one for <paramref name="url"/> from now (the disaster swap, and the swap back).</summary>
    public static byte[] SwapRekorUrl(byte[] signingConfig, Uri url, DateTimeOffset now)
    {
        var doc = Parse(signingConfig, SigningConfig);
        var services = doc["rekorTlogUrls"] as JsonArray ?? throw TufRepositoryErrors.TargetEdit(SigningConfig, "it has no rekorTlogUrls");
        var apiVersion = 1;
        foreach (var s in services.OfType<JsonObject>())
        {
            if (s["validFor"] is not JsonObject w) continue;
            if (s["majorApiVersion"]?.GetValue<int>() is { } v) apiVersion = Math.Max(apiVersion, v);
            if (w["end"] is null || DateTimeOffset.Parse(w["end"]!.GetValue<string>()) > now) w["end"] = Time(now);
        }
        if (services.OfType<JsonObject>().Any(s => s["validFor"]?["start"]?.GetValue<string>() == Time(now) && s["url"]?.GetValue<string>() == url.ToString()))
            throw TufRepositoryErrors.TargetEdit(SigningConfig, $"{url} was opened this very second");
        services.Add(RekorService(url, apiVersion, now));
        var bytes = Serialize(doc);
        Validate(SigningConfig, () => SigstoreSigningConfigParser.Parse(bytes));
        return bytes;
    }

    /// <summary>The Rekor URL the signing config selects now (what a client would use).</summary>
    public static Uri? ActiveRekorUrl(byte[] signingConfig, DateTimeOffset now)
    {
        var config = SigstoreSigningConfigParser.Parse(signingConfig);
        return config.RekorTlogUrls.Where(s => s.ValidFor.Contains(now)).OrderByDescending(s => s.ValidFor.Start).FirstOrDefault()?.Url;
    }

    /// <summary>Adds a log key from a PEM public key with a window open from now; returns the document and the key's log id (base64).</summary>
    public static (byte[] Document, string LogId) AddLogKey(byte[] trustedRoot, string publicKeyPem, Uri baseUrl, DateTimeOffset now)
    {
        var doc = Parse(trustedRoot, TrustedRoot);
        var tlogs = doc["tlogs"] as JsonArray ?? throw TufRepositoryErrors.TargetEdit(TrustedRoot, "it has no tlogs");
        var (spki, details) = ReadPublicKey(publicKeyPem);
        var logId = Convert.ToBase64String(SHA256.HashData(spki));
        if (tlogs.OfType<JsonObject>().Any(t => t["logId"]?["keyId"]?.GetValue<string>() == logId))
            throw TufRepositoryErrors.TargetEdit(TrustedRoot, $"the key (log id {logId}) is already listed");
        tlogs.Add(new JsonObject
        {
            ["baseUrl"] = baseUrl.ToString().TrimEnd('/'),
            ["hashAlgorithm"] = "SHA2_256",
            ["publicKey"] = new JsonObject { ["rawBytes"] = Convert.ToBase64String(spki), ["keyDetails"] = details, ["validFor"] = new JsonObject { ["start"] = Time(now) } },
            ["logId"] = new JsonObject { ["keyId"] = logId },
        });
        var bytes = Serialize(doc);
        Validate(TrustedRoot, () => SigstoreTrustedRootParser.Parse(bytes));
        return (bytes, logId);
    }

    /// <summary>Ends the window of the log key <paramref name="logId"/> at <paramref name="end"/> (now, for a compromise).</summary>
    public static byte[] EndLogKey(byte[] trustedRoot, string logId, DateTimeOffset end)
    {
        var doc = Parse(trustedRoot, TrustedRoot);
        var entry = (doc["tlogs"] as JsonArray)?.OfType<JsonObject>().FirstOrDefault(t => t["logId"]?["keyId"]?.GetValue<string>() == logId)
            ?? throw TufRepositoryErrors.TargetEdit(TrustedRoot, $"no log key has the log id {logId}");
        var window = entry["publicKey"]!["validFor"]!.AsObject();
        if (DateTimeOffset.Parse(window["start"]!.GetValue<string>()) > end) window["start"] = Time(end);
        window["end"] = Time(end);
        var bytes = Serialize(doc);
        Validate(TrustedRoot, () => SigstoreTrustedRootParser.Parse(bytes));
        return bytes;
    }

    /// <summary>Adds an issuer signing key (PEM) named <paramref name="name"/>, valid from now.</summary>
    public static byte[] AddSigningKey(byte[] document, string name, string algorithm, string publicKeyPem, DateTimeOffset now)
    {
        var doc = Parse(document, SigningKeys);
        var keys = doc["keys"] as JsonArray ?? throw TufRepositoryErrors.TargetEdit(SigningKeys, "it has no keys");
        if (keys.OfType<JsonObject>().Any(k => k["name"]?.GetValue<string>() == name)) throw TufRepositoryErrors.TargetEdit(SigningKeys, $"a key named '{name}' is already listed");
        var (spki, _) = ReadPublicKey(publicKeyPem);
        keys.Add(new JsonObject
        {
            ["name"] = name,
            ["keyId"] = Convert.ToHexStringLower(SHA256.HashData(spki)),
            ["algorithm"] = algorithm,
            ["publicKey"] = publicKeyPem,
            ["validFor"] = new JsonObject { ["start"] = Time(now) },
        });
        var bytes = Serialize(doc);
        Validate(SigningKeys, () => SigningKeysDocument.Parse(bytes));
        return bytes;
    }

    /// <summary>Ends the window of the issuer key <paramref name="name"/> now: verifiers stop accepting it.</summary>
    public static byte[] RetireSigningKey(byte[] document, string name, DateTimeOffset end)
    {
        var doc = Parse(document, SigningKeys);
        var key = (doc["keys"] as JsonArray)?.OfType<JsonObject>().FirstOrDefault(k => k["name"]?.GetValue<string>() == name)
            ?? throw TufRepositoryErrors.TargetEdit(SigningKeys, $"no signing key is named '{name}'");
        var w = key["validFor"]!.AsObject();
        if (w["end"] is { } e && DateTimeOffset.Parse(e.GetValue<string>()) <= end) throw TufRepositoryErrors.TargetEdit(SigningKeys, $"'{name}' is already retired (since {e.GetValue<string>()})");
        w["end"] = Time(end);
        var bytes = Serialize(doc);
        Validate(SigningKeys, () => SigningKeysDocument.Parse(bytes));
        return bytes;
    }

    private static JsonObject RekorService(Uri url, int apiVersion, DateTimeOffset now) => new()
    {
        ["url"] = url.ToString().TrimEnd('/'),
        ["majorApiVersion"] = apiVersion,
        ["validFor"] = new JsonObject { ["start"] = Time(now) },
        ["operator"] = url.Host,
    };

    private static (byte[] Spki, string KeyDetails) ReadPublicKey(string pem)
    {
        try
        {
            var fields = PemEncoding.Find(pem);
            if (pem[fields.Label] != "PUBLIC KEY") throw new FormatException("not a PUBLIC KEY");
            var spki = Convert.FromBase64String(pem[fields.Base64Data]);
            var info = SubjectPublicKeyInfo.GetInstance(spki);
            var oid = info.Algorithm.Algorithm.Id;
            var details = oid switch
            {
                "1.3.101.112" => "PKIX_ED25519",
                "1.2.840.10045.2.1" => info.Algorithm.Parameters?.ToString() switch
                {
                    "1.2.840.10045.3.1.7" => "PKIX_ECDSA_P256_SHA_256",
                    "1.3.132.0.34" => "PKIX_ECDSA_P384_SHA_384",
                    var c => throw new FormatException($"the ECDSA curve {c} is not P-256 or P-384"),
                },
                _ => throw new FormatException($"the key algorithm {oid} is not ECDSA or ed25519"),
            };
            return (spki, details);
        }
        catch (Exception e) when (e is FormatException or ArgumentException or InvalidCastException)
        {
            throw TufRepositoryErrors.TargetEdit("the public key", $"it is not a PEM SubjectPublicKeyInfo ('-----BEGIN PUBLIC KEY-----') of an ECDSA P-256/P-384 or ed25519 key: {e.Message}");
        }
    }

    private static JsonObject Parse(byte[] data, string target)
    {
        try
        {
            return JsonNode.Parse(data)?.AsObject() ?? throw new JsonException("empty");
        }
        catch (Exception e) when (e is JsonException or InvalidOperationException)
        {
            throw TufRepositoryErrors.TargetEdit(target, "the current document is not a JSON object");
        }
    }

    private static void Validate(string target, Action parse)
    {
        try
        {
            parse();
        }
        catch (FormatException e)
        {
            throw TufRepositoryErrors.TargetEdit(target, $"the edited document does not validate ({e.Message})");
        }
    }

    private static byte[] Serialize(JsonObject doc) => Encoding.UTF8.GetBytes(doc.ToJsonString(new JsonSerializerOptions { WriteIndented = true }) + "\n");
}
