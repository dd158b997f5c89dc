using System.Security.Cryptography;
using System.Security.Cryptography.X509Certificates;
using System.Text.Json.Nodes;

namespace StellaOps.Ops.Attestation.Tests.Support;

/// <summary>Crafted Sigstore trust documents (a v0.2 trusted root, a v0.2 signing config) and a one-line way to change a field.</summary>
internal static class TrustedRootDocuments
{
    private static readonly Lazy<(string Spki, string Root, string Intermediate)> Material = new(() =>
    {
        using var logKey = ECDsa.Create(ECCurve.NamedCurves.nistP256);
        using var rootKey = ECDsa.Create(ECCurve.NamedCurves.nistP256);
        using var intermediateKey = ECDsa.Create(ECCurve.NamedCurves.nistP256);
        using var root = TestCertificates.Root("crafted root", rootKey);
        using var intermediate = TestCertificates.Intermediate("crafted intermediate", intermediateKey, root, rootKey);
        return (Convert.ToBase64String(logKey.ExportSubjectPublicKeyInfo()), Convert.ToBase64String(root.RawData), Convert.ToBase64String(intermediate.RawData));
    });

    public static JsonObject V02()
    {
        var (spki, root, intermediate) = Material.Value;
        JsonObject Log(string url) => new()
        {
            ["baseUrl"] = url,
            ["hashAlgorithm"] = "SHA2_256",
            ["publicKey"] = new JsonObject { ["rawBytes"] = spki, ["keyDetails"] = "PKIX_ECDSA_P256_SHA_256", ["validFor"] = new JsonObject { ["start"] = "2021-01-01T00:00:00Z" } },
            ["logId"] = new JsonObject { ["keyId"] = Convert.ToBase64String(SHA256.HashData(Convert.FromBase64String(spki))) },
            ["checkpointKeyId"] = new JsonObject { ["keyId"] = "AQIDBA==" },
            ["operator"] = "example.dev",
        };
        JsonObject Authority(string uri) => new()
        {
            ["subject"] = new JsonObject { ["organization"] = "example.dev", ["commonName"] = "example" },
            ["uri"] = uri,
            ["certChain"] = new JsonObject { ["certificates"] = new JsonArray(new JsonObject { ["rawBytes"] = intermediate }, new JsonObject { ["rawBytes"] = root }) },
            ["validFor"] = new JsonObject { ["start"] = "2021-01-01T00:00:00Z" },
            ["operator"] = "example.dev",
        };
        return new JsonObject
        {
            ["mediaType"] = "application/vnd.dev.sigstore.trustedroot.v0.2+json",
            ["tlogs"] = new JsonArray(Log("https://log.example.dev")),
            ["certificateAuthorities"] = new JsonArray(Authority("https://ca.example.dev")),
            ["ctlogs"] = new JsonArray(Log("https://ct.example.dev")),
            ["timestampAuthorities"] = new JsonArray(Authority("https://tsa.example.dev/api/v1/timestamp")),
        };
    }

    public static JsonObject SigningConfig()
    {
        static JsonObject Service(string url, int version, string start, string op, string? end = null)
        {
            var validFor = new JsonObject { ["start"] = start };
            if (end is not null) validFor["end"] = end;
            return new JsonObject { ["url"] = url, ["majorApiVersion"] = version, ["validFor"] = validFor, ["operator"] = op };
        }
        return new JsonObject
        {
            ["mediaType"] = "application/vnd.dev.sigstore.signingconfig.v0.2+json",
            ["caUrls"] = new JsonArray(Service("https://fulcio.example.dev", 1, "2023-04-14T21:38:40Z", "example.dev")),
            ["oidcUrls"] = new JsonArray(Service("https://oauth2.example.dev/auth", 1, "2025-04-16T00:00:00Z", "example.dev")),
            ["rekorTlogUrls"] = new JsonArray(Service("https://rekor.example.dev", 1, "2021-01-12T11:53:27Z", "example.dev")),
            ["rekorTlogConfig"] = new JsonObject { ["selector"] = "ANY" },
            ["tsaUrls"] = new JsonArray(Service("https://timestamp.example.dev/api/v1/timestamp", 1, "2025-07-04T00:00:00Z", "example.dev")),
            ["tsaConfig"] = new JsonObject { ["selector"] = "ANY" },
        };
    }

    /// <summary>"a.b[0].c=value" sets a field (a string; "true"/numbers stay strings); "a.b=" removes it.</summary>
    public static void Apply(JsonObject doc, string change)
    {
        var eq = change.IndexOf('=');
        var path = change[..eq];
        var value = change[(eq + 1)..];
        JsonNode node = doc;
        var parts = path.Split('.');
        for (var i = 0; i < parts.Length - 1; i++) node = Step(node, parts[i]);
        var last = parts[^1];
        if (last.EndsWith(']'))
        {
            node = Step(node, last[..last.IndexOf('[')]);
            var index = int.Parse(last[(last.IndexOf('[') + 1)..^1]);
            if (value.Length == 0) node.AsArray().RemoveAt(index); else node[index] = value;
            return;
        }
        if (value.Length == 0) node.AsObject().Remove(last); else node[last] = value;
    }

    private static JsonNode Step(JsonNode node, string part)
    {
        if (!part.EndsWith(']')) return node[part]!;
        var name = part[..part.IndexOf('[')];
        var index = int.Parse(part[(part.IndexOf('[') + 1)..^1]);
        return node[name]![index]!;
    }
}
