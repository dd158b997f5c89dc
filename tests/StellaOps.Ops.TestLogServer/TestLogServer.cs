using System.Globalization;
using System.Security.Cryptography;
using System.Text.Json;
using Microsoft.AspNetCore.Builder;
using Microsoft.AspNetCore.Hosting;
using Microsoft.AspNetCore.Hosting.Server;
using Microsoft.AspNetCore.Hosting.Server.Features;
using Microsoft.AspNetCore.Http;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Logging;
using StellaOps.Ops.Attestation.Dsse;
using StellaOps.Ops.Attestation.Signing;
using StellaOps.Ops.Attestation.Sigstore;
using StellaOps.Ops.Contracts;
using StellaOps.Ops.Transparency.Entries;
using StellaOps.Ops.Transparency.Tiles;

namespace StellaOps.Ops.TestLogServer;

/// <summary>
/// A Rekor log on 127.0.0.1 (a free port) speaking v1 (<c>/api/v1/log…</c>) or v2 (<c>/api/v2/log/entries</c> plus
/// C2SP tlog-tiles reads: <c>checkpoint</c>, <c>tile/&lt;L&gt;/&lt;N&gt;[.p/&lt;W&gt;]</c>, <c>tile/entries/&lt;N&gt;[.p/&lt;W&gt;]</c>),
/// an RFC 3161 TSA at <c>/api/v1/timestamp</c>, and a control API for the out-of-process users
/// (<c>GET /_test/info</c>, <c>POST /_test/faults</c>, whose <c>fork</c> rewrites the log's history from entry <c>forkIndex</c>, default 0: <see cref="TestLog.Fork"/>). Submissions check the signature as Rekor does.
/// </summary>
public sealed class TestLogServer : IAsyncDisposable
{
    private readonly WebApplication _app;

    private TestLogServer(WebApplication app, TestLog log, Uri baseUrl)
    {
        _app = app;
        Log = log;
        BaseUrl = baseUrl;
    }

    public TestLog Log { get; }

    public LogFaults Faults => Log.Faults;

    public TestTimestampAuthority Tsa { get; } = new();

    public Uri BaseUrl { get; }

    public Uri TsaUrl => new(BaseUrl, "api/v1/timestamp");

    public TransparencyLogInstance Trusted(DateTimeOffset? validFrom = null, DateTimeOffset? validTo = null) => Log.Trusted(BaseUrl, validFrom, validTo);

    public SigningService Service(DateTimeOffset? validFrom = null, string @operator = "test")
        => new(BaseUrl, Log.ApiVersion, new ValidityPeriod(validFrom ?? DateTimeOffset.UtcNow.AddDays(-1)), @operator);

    /// <param name="checkpointInterval">v2: how often pending entries are integrated and a checkpoint published (default <see cref="TestLog.DefaultCheckpointInterval"/>; zero: at once).</param>
    public static async Task<TestLogServer> StartAsync(int apiVersion, int port = 0, CancellationToken cancellationToken = default, TimeSpan? checkpointInterval = null)
    {
        if (apiVersion is not (1 or 2)) throw new ArgumentOutOfRangeException(nameof(apiVersion));
        var builder = WebApplication.CreateSlimBuilder();
        builder.Logging.ClearProviders();
        builder.WebHost.ConfigureKestrel(k => k.Limits.MaxRequestBodySize = 8 << 20);
        builder.WebHost.UseUrls($"http://127.0.0.1:{port}");
        var app = builder.Build();
        var log = new TestLog(apiVersion, checkpointInterval: checkpointInterval);
        TestLogServer? server = null;
        app.Use(async (context, next) =>
        {
            if (context.Request.Path.StartsWithSegments("/_test")) { await next(context); return; }
            var faults = log.Faults;
            if (faults.DelayMilliseconds > 0) await Task.Delay(faults.DelayMilliseconds, context.RequestAborted);
            await faults.HoldIfAskedAsync(context.RequestAborted);
            if (faults.TakeDrop()) { context.Abort(); return; }
            if (faults.Down || faults.TakeFailure())
            {
                context.Response.StatusCode = faults.Down ? 503 : faults.FailStatus;
                if (faults.RetryAfterSeconds > 0) context.Response.Headers.RetryAfter = faults.RetryAfterSeconds.ToString(CultureInfo.InvariantCulture);
                return;
            }
            await next(context);
        });
        // Drops the answer after the work is done (the entry is in the log, the client never hears of it).
        app.Use(async (context, next) =>
        {
            if (!context.Request.Path.StartsWithSegments("/_test") && log.Faults.DropAnswers)
            {
                context.Response.Body = Stream.Null;
                await next(context);
                context.Abort();
                return;
            }
            await next(context);
        });
        app.MapGet("/_test/info", () => Results.Json(Info(server!)));
        app.MapPost("/_test/faults", async (HttpContext c) =>
        {
            using var doc = await JsonDocument.ParseAsync(c.Request.Body);
            ApplyFaults(log.Faults, doc.RootElement);
            if (doc.RootElement.TryGetProperty("fork", out var fork) && fork.GetBoolean())
                log.Fork(doc.RootElement.TryGetProperty("forkIndex", out var at) ? at.GetInt64() : 0);
            return Results.NoContent();
        });
        app.MapPost("/api/v1/timestamp", async (HttpContext c) =>
        {
            var request = await ReadBody(c);
            try { return Results.Bytes(server!.Tsa.Respond(request), "application/timestamp-reply"); }
            catch (Exception e) when (e is IOException or ArgumentException or Org.BouncyCastle.Tsp.TspException) { return Results.BadRequest(); }
        });
        if (apiVersion == 1) MapV1(app, log); else MapV2(app, log);
        await app.StartAsync(cancellationToken);
        var address = app.Services.GetRequiredService<IServer>().Features.Get<IServerAddressesFeature>()!.Addresses.First();
        var baseUrl = new Uri(address.EndsWith('/') ? address : address + "/");
        log.Name = $"{baseUrl.Host}:{baseUrl.Port}";
        server = new TestLogServer(app, log, baseUrl);
        return server;
    }

    private static object Info(TestLogServer s) => new Dictionary<string, object>
    {
        ["url"] = s.BaseUrl.AbsoluteUri,
        ["apiVersion"] = s.Log.ApiVersion,
        ["publicKey"] = Convert.ToBase64String(s.Log.Spki),
        ["logId"] = Convert.ToHexStringLower(s.Log.LogId),
        ["size"] = s.Log.Size,
        ["tsaUrl"] = s.TsaUrl.AbsoluteUri,
        ["tsaChain"] = s.Tsa.Chain.Select(Convert.ToBase64String).ToArray(),
    };

    private static void ApplyFaults(LogFaults f, JsonElement e)
    {
        if (e.TryGetProperty("clear", out var clear) && clear.GetBoolean()) f.Clear();
        if (e.TryGetProperty("down", out var v)) f.Down = v.GetBoolean();
        if (e.TryGetProperty("failNext", out v)) f.FailNext = v.GetInt32();
        if (e.TryGetProperty("failStatus", out v)) f.FailStatus = v.GetInt32();
        if (e.TryGetProperty("retryAfterSeconds", out v)) f.RetryAfterSeconds = v.GetInt32();
        if (e.TryGetProperty("delayMilliseconds", out v)) f.DelayMilliseconds = v.GetInt32();
        if (e.TryGetProperty("dropNext", out v)) f.DropNext = v.GetInt32();
        if (e.TryGetProperty("holdNext", out v)) f.HoldNext = v.GetInt32();
        if (e.TryGetProperty("releaseHeld", out v) && v.GetBoolean()) f.ReleaseHeld();
        if (e.TryGetProperty("forgeProof", out v)) f.ForgeProof = v.GetBoolean();
        if (e.TryGetProperty("wrongKey", out v)) f.WrongKey = v.GetBoolean();
        if (e.TryGetProperty("otherContent", out v)) f.OtherContent = v.GetBoolean();
        if (e.TryGetProperty("dropAnswers", out v)) f.DropAnswers = v.GetBoolean();
    }

    private static void MapV1(WebApplication app, TestLog log)
    {
        app.MapPost("/api/v1/log/entries", async (HttpContext c) =>
        {
            byte[] body;
            try
            {
                using var doc = JsonDocument.Parse(await ReadBody(c));
                var spec = doc.RootElement.GetProperty("spec").GetProperty("proposedContent");
                if (doc.RootElement.GetProperty("kind").GetString() != "dsse") return Results.BadRequest();
                var envelope = DsseEnvelope.Parse(spec.GetProperty("envelope").GetString()!);
                var pem = System.Text.Encoding.UTF8.GetString(Convert.FromBase64String(spec.GetProperty("verifiers")[0].GetString()!));
                var spki = PublicKeyPem.Decode(pem);
                if (envelope.Signatures.Count != 1 || !VerifySignature(spki, envelope.PreAuthenticationEncoding(), envelope.Signatures[0].Signature, prehashed: false))
                    return Results.BadRequest();
                body = RekorEntryBodies.DsseV001(envelope, spki);
            }
            catch (Exception e) when (e is JsonException or KeyNotFoundException or InvalidOperationException or FormatException or ArgumentException or CryptographicException or IndexOutOfRangeException)
            {
                return Results.BadRequest();
            }
            if (log.Faults.OtherContent) body = System.Text.Encoding.UTF8.GetBytes($"{{\"apiVersion\":\"0.0.1\",\"kind\":\"dsse\",\"spec\":{{\"other\":\"{Guid.NewGuid()}\"}}}}");
            var (index, created) = log.Append(body);
            if (!created)
            {
                c.Response.Headers.Location = "/api/v1/log/entries/" + log.Uuid(index);
                return Results.StatusCode(409);
            }
            c.Response.Headers.Location = "/api/v1/log/entries/" + log.Uuid(index);
            return Created(V1Answer(log, index));
        });
        app.MapGet("/api/v1/log/entries/{uuid}", (string uuid) =>
            log.IndexOf(uuid) is { } i ? Results.Bytes(V1Answer(log, i), "application/json") : Results.NotFound());
        app.MapGet("/api/v1/log/entries", (long? logIndex) =>
            logIndex is { } i && i >= 0 && i < log.Size ? Results.Bytes(V1Answer(log, i), "application/json") : Results.NotFound());
        app.MapPost("/api/v1/log/entries/retrieve", async (HttpContext c) =>
        {
            using var doc = JsonDocument.Parse(await ReadBody(c));
            var indexes = new List<long>();
            if (doc.RootElement.TryGetProperty("entryUUIDs", out var uuids))
                indexes.AddRange(uuids.EnumerateArray().Select(u => log.IndexOf(u.GetString()!)).OfType<long>());
            if (doc.RootElement.TryGetProperty("logIndexes", out var list))
                indexes.AddRange(list.EnumerateArray().Select(x => x.GetInt64()).Where(x => x >= 0 && x < log.Size));
            var answers = indexes.Select(i => JsonDocument.Parse(V1Answer(log, i)).RootElement).ToArray();
            return Results.Json(answers);
        });
        app.MapGet("/api/v1/log", () =>
        {
            var (root, size) = log.Head();
            return Results.Json(new Dictionary<string, object>
            {
                ["rootHash"] = Convert.ToHexStringLower(root),
                ["signedTreeHead"] = log.SignedCheckpoint(),
                ["treeSize"] = size,
                ["treeID"] = TestLog.TreeId.ToString(CultureInfo.InvariantCulture),
            });
        });
        app.MapGet("/api/v1/log/proof", (long? firstSize, long lastSize) =>
        {
            var first = firstSize ?? 1;
            if (lastSize > log.Size || first < 1 || first > lastSize) return Results.BadRequest();
            return Results.Json(new Dictionary<string, object>
            {
                ["rootHash"] = Convert.ToHexStringLower(log.Head().Size == lastSize ? log.Head().Root : throw new InvalidOperationException("only the current size")),
                ["hashes"] = log.Consistency(first, lastSize).Select(Convert.ToHexStringLower).ToArray(),
            });
        });
    }

    private static byte[] V1Answer(TestLog log, long index)
    {
        var entry = log.Entry(index);
        var buffer = new System.Buffers.ArrayBufferWriter<byte>();
        using (var w = new Utf8JsonWriter(buffer))
        {
            w.WriteStartObject();
            w.WriteStartObject(log.Uuid(index));
            w.WriteString("body", Convert.ToBase64String(entry.CanonicalizedBody));
            w.WriteNumber("integratedTime", entry.IntegratedTime);
            w.WriteString("logID", Convert.ToHexStringLower(entry.LogId));
            w.WriteNumber("logIndex", entry.LogIndex);
            w.WriteStartObject("verification");
            w.WriteStartObject("inclusionProof");
            w.WriteString("checkpoint", entry.Proof!.Checkpoint);
            w.WriteStartArray("hashes");
            foreach (var h in entry.Proof.Hashes) w.WriteStringValue(Convert.ToHexStringLower(h));
            w.WriteEndArray();
            w.WriteNumber("logIndex", entry.Proof.LogIndex);
            w.WriteString("rootHash", Convert.ToHexStringLower(entry.Proof.RootHash));
            w.WriteNumber("treeSize", entry.Proof.TreeSize);
            w.WriteEndObject();
            w.WriteString("signedEntryTimestamp", Convert.ToBase64String(entry.SignedEntryTimestamp!));
            w.WriteEndObject();
            w.WriteEndObject();
            w.WriteEndObject();
        }
        return buffer.WrittenSpan.ToArray();
    }

    private static void MapV2(WebApplication app, TestLog log)
    {
        app.MapPost("/api/v2/log/entries", async (HttpContext c) =>
        {
            byte[] body;
            try
            {
                using var doc = JsonDocument.Parse(await ReadBody(c));
                var request = doc.RootElement.GetProperty("hashedRekordRequestV002");
                var digest = Convert.FromBase64String(request.GetProperty("digest").GetString()!);
                var signature = request.GetProperty("signature");
                var content = Convert.FromBase64String(signature.GetProperty("content").GetString()!);
                var verifier = signature.GetProperty("verifier");
                var spki = Convert.FromBase64String(verifier.GetProperty("publicKey").GetProperty("rawBytes").GetString()!);
                var algorithm = KeyAlgorithms.Detect(spki);
                if (verifier.GetProperty("keyDetails").GetString() != KeyDetails.For(algorithm)) return Results.BadRequest();
                if (digest.Length != SigningHash.Length(algorithm) || !VerifySignature(spki, digest, content, prehashed: true)) return Results.BadRequest();
                body = RekorEntryBodies.HashedRekordV002(digest, content, spki, algorithm);
            }
            catch (Exception e) when (e is JsonException or KeyNotFoundException or InvalidOperationException or FormatException or ArgumentException or CryptographicException)
            {
                return Results.BadRequest();
            }
            if (log.Faults.OtherContent) body = System.Text.Encoding.UTF8.GetBytes($"{{\"apiVersion\":\"0.0.2\",\"kind\":\"hashedrekord\",\"spec\":{{\"other\":\"{Guid.NewGuid()}\"}}}}");
            // rekor-tiles answers once a checkpoint covers the entry: the next integration.
            var (index, _) = await log.AppendWhenIntegratedAsync(body);
            return Created(log.Entry(index).ToJsonBytes());
        });
        app.MapGet("/checkpoint", () => Results.Text(log.SignedCheckpoint(), "text/plain; charset=utf-8"));
        app.MapGet("/tile/{**path}", (string path) =>
        {
            var entries = path.StartsWith("entries/", StringComparison.Ordinal);
            if (!TileAddress.TryParse(entries ? path["entries/".Length..] : path, hasLevel: !entries, out var level, out var n, out var width))
                return Results.NotFound();
            if (entries)
            {
                var bodies = log.EntryBundle(n, width);
                if (bodies is null) return Results.NotFound();
                using var bundle = new MemoryStream();
                foreach (var b in bodies)
                {
                    bundle.WriteByte((byte)(b.Length >> 8));
                    bundle.WriteByte((byte)b.Length);
                    bundle.Write(b);
                }
                return Results.Bytes(bundle.ToArray(), "application/octet-stream");
            }
            var hashes = log.Tile(level, n, width);
            return hashes is null ? Results.NotFound() : Results.Bytes(hashes.SelectMany(h => h).ToArray(), "application/octet-stream");
        });
    }

    private static IResult Created(byte[] json) => Results.Text(System.Text.Encoding.UTF8.GetString(json), "application/json", System.Text.Encoding.UTF8, 201);

    private static bool VerifySignature(byte[] spki, byte[] data, byte[] signature, bool prehashed)
    {
        using var key = ECDsa.Create();
        key.ImportSubjectPublicKeyInfo(spki, out _);
        var hash = key.KeySize == 384 ? HashAlgorithmName.SHA384 : HashAlgorithmName.SHA256;
        return prehashed
            ? key.VerifyHash(data, signature, DSASignatureFormat.Rfc3279DerSequence)
            : key.VerifyData(data, signature, hash, DSASignatureFormat.Rfc3279DerSequence);
    }

    private static async Task<byte[]> ReadBody(HttpContext c)
    {
        using var buffer = new MemoryStream();
        await c.Request.Body.CopyToAsync(buffer, c.RequestAborted);
        return buffer.ToArray();
    }

    public async ValueTask DisposeAsync()
    {
        await _app.StopAsync();
        await _app.DisposeAsync();
        Log.Dispose();
    }
}
