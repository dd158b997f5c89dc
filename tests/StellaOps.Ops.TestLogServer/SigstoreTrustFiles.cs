using System.Text.Json;
using System.Text.Json.Nodes;

namespace StellaOps.Ops.TestLogServer;

/// <summary>
/// A Sigstore <c>trusted_root.json</c> listing test logs (and their TSAs) and a <c>signing_config.v0.2.json</c>
/// naming them in order, the way a TUF repository or an administrator would publish them.
/// </summary>
public static class SigstoreTrustFiles
{
    public static string TrustedRoot(IEnumerable<TestLogServer> logs, DateTimeOffset? validFrom = null, DateTimeOffset? validTo = null, bool withTsa = true)
    {
        var list = logs.ToList();
        var validFor = new JsonObject { ["start"] = (validFrom ?? DateTimeOffset.UtcNow.AddDays(-1)).ToString("yyyy-MM-ddTHH:mm:ssZ") };
        if (validTo is { } end) validFor["end"] = end.ToString("yyyy-MM-ddTHH:mm:ssZ");
        var root = new JsonObject
        {
            ["mediaType"] = "application/vnd.dev.sigstore.trustedroot+json;version=0.1",
            ["tlogs"] = new JsonArray([.. list.Select(l => (JsonNode)new JsonObject
            {
                ["baseUrl"] = l.BaseUrl.AbsoluteUri.TrimEnd('/'),
                ["hashAlgorithm"] = "SHA2_256",
                ["publicKey"] = new JsonObject
                {
                    ["rawBytes"] = Convert.ToBase64String(l.Log.Spki),
                    ["keyDetails"] = "PKIX_ECDSA_P256_SHA_256",
                    ["validFor"] = validFor.DeepClone(),
                },
                ["logId"] = new JsonObject { ["keyId"] = Convert.ToBase64String(l.Log.LogId) },
            })]),
            ["certificateAuthorities"] = new JsonArray(),
            ["ctlogs"] = new JsonArray(),
            ["timestampAuthorities"] = new JsonArray([.. (withTsa ? list : []).Select(l => (JsonNode)new JsonObject
            {
                ["subject"] = new JsonObject { ["organization"] = "test", ["commonName"] = "StellaOps Test TSA" },
                ["uri"] = l.TsaUrl.AbsoluteUri,
                ["certChain"] = new JsonObject { ["certificates"] = new JsonArray([.. l.Tsa.Chain.Select(c => (JsonNode)new JsonObject { ["rawBytes"] = Convert.ToBase64String(c) })]) },
                ["validFor"] = new JsonObject { ["start"] = DateTimeOffset.UtcNow.AddDays(-1).ToString("yyyy-MM-ddTHH:mm:ssZ") },
            })]),
        };
        return root.ToJsonString(new JsonSerializerOptions { WriteIndented = true });
    }

    /// <summary>The logs in failover order: the first gets the newest start (the spec's selection puts it first).</summary>
    public static string SigningConfig(IEnumerable<TestLogServer> logs, TestLogServer? tsa = null)
    {
        var list = logs.ToList();
        var newest = DateTimeOffset.UtcNow.AddHours(-1);
        var config = new JsonObject
        {
            ["mediaType"] = "application/vnd.dev.sigstore.signingconfig.v0.2+json",
            ["caUrls"] = new JsonArray(),
            ["oidcUrls"] = new JsonArray(),
            ["rekorTlogUrls"] = new JsonArray([.. list.Select((l, i) => (JsonNode)new JsonObject
            {
                ["url"] = l.BaseUrl.AbsoluteUri.TrimEnd('/'),
                ["majorApiVersion"] = l.Log.ApiVersion,
                ["validFor"] = new JsonObject { ["start"] = newest.AddMinutes(-i).ToString("yyyy-MM-ddTHH:mm:ssZ") },
                ["operator"] = $"operator-{i}",
            })]),
            ["rekorTlogConfig"] = new JsonObject { ["selector"] = "ANY" },
            ["tsaUrls"] = new JsonArray([.. (tsa is null ? [] : new[] { tsa }).Select(t => (JsonNode)new JsonObject
            {
                ["url"] = t.TsaUrl.AbsoluteUri,
                ["majorApiVersion"] = 1,
                ["validFor"] = new JsonObject { ["start"] = newest.ToString("yyyy-MM-ddTHH:mm:ssZ") },
                ["operator"] = "tsa",
            })]),
            ["tsaConfig"] = new JsonObject { ["selector"] = "ANY" },
        };
        return config.ToJsonString(new JsonSerializerOptions { WriteIndented = true });
    }
}
