using System.Globalization;
using System.Net;
using System.Text.Json;
using StellaOps.Ops.Attestation;
using StellaOps.Ops.Attestation.Signing;
using StellaOps.Ops.Transparency.Entries;
using StellaOps.Ops.Transparency.Resilience;

namespace StellaOps.Ops.Transparency.Clients;

/// <summary>
/// Rekor v1 (<c>/api/v1/log/…</c>): a DSSE envelope is proposed as a <c>dsse</c> v0.0.1 entry; 201 answers the entry,
/// 409 means it exists (the <c>Location</c> header names it, and it is fetched). Entries come back as
/// <c>{uuid: {body, integratedTime, logID, logIndex, verification: {inclusionProof, signedEntryTimestamp}}}</c>.
/// </summary>
public sealed class RekorV1Client(HttpClient http, Uri baseUrl, LogBackendResilience resilience) : ITransparencyLogClient
{
    public Uri BaseUrl { get; } = baseUrl;

    public int MajorApiVersion => 1;

    private string Backend => resilience.Backend;

    public async Task<LogSubmission> SubmitAsync(LogSubmissionRequest request, CancellationToken cancellationToken)
    {
        var proposed = AttestationJson.Write(w =>
        {
            w.WriteStartObject();
            w.WriteString("apiVersion", RekorEntryBodies.DsseVersion);
            w.WriteString("kind", RekorEntryBodies.DsseKind);
            w.WriteStartObject("spec");
            w.WriteStartObject("proposedContent");
            w.WriteString("envelope", request.Envelope.ToJson());
            w.WriteStartArray("verifiers");
            w.WriteStringValue(Convert.ToBase64String(System.Text.Encoding.UTF8.GetBytes(PublicKeyPem.Encode(request.SignerSpki))));
            w.WriteEndArray();
            w.WriteEndObject();
            w.WriteEndObject();
            w.WriteEndObject();
        });
        var url = LogHttp.Under(BaseUrl, "api/v1/log/entries");
        using var response = await resilience.SendAsync(http, () => LogHttp.Json(HttpMethod.Post, url, proposed), cancellationToken).ConfigureAwait(false);
        if (response.StatusCode == HttpStatusCode.Conflict)
        {
            var location = response.Headers.Location
                ?? throw new TransparencyLogException(LogFailureReason.MalformedAnswer, $"{Backend} answered 409 without a Location header");
            var existing = location.IsAbsoluteUri ? location : new Uri(BaseUrl, location);
            if (existing.Scheme != BaseUrl.Scheme || existing.Authority != BaseUrl.Authority)
                throw new TransparencyLogException(LogFailureReason.MalformedAnswer, $"{Backend} answered 409 with a Location on another host ({existing.Authority})");
            var (entry, uuid) = await GetAsync(existing, cancellationToken).ConfigureAwait(false);
            return new LogSubmission(entry, true, uuid);
        }
        if (!LogHttp.IsSuccess(response.StatusCode)) throw LogHttp.Refused(response, Backend, "the entry");
        var (created, id) = Parse(await LogHttp.ReadAsync(response, Backend, cancellationToken).ConfigureAwait(false));
        return new LogSubmission(created, false, id);
    }

    /// <summary><c>GET /api/v1/log/entries/{uuid}</c>.</summary>
    public Task<(LogEntry Entry, string Uuid)> GetByUuidAsync(string uuid, CancellationToken cancellationToken)
    {
        if (uuid.Length is not (64 or 80) || !uuid.All(Uri.IsHexDigit)) throw new ArgumentException("A Rekor entry UUID is 64 or 80 hex digits.", nameof(uuid));
        return GetAsync(LogHttp.Under(BaseUrl, "api/v1/log/entries/" + uuid), cancellationToken);
    }

    /// <summary><c>GET /api/v1/log/entries?logIndex=</c>.</summary>
    public Task<(LogEntry Entry, string Uuid)> GetByIndexAsync(long logIndex, CancellationToken cancellationToken)
        => GetAsync(LogHttp.Under(BaseUrl, "api/v1/log/entries?logIndex=" + logIndex.ToString(CultureInfo.InvariantCulture)), cancellationToken);

    /// <summary>At most this many indexes per <c>entries/retrieve</c> request (Rekor's limit for one search).</summary>
    public const int MaxIndexesPerRetrieve = 10;

    public async Task<string> GetCheckpointAsync(CancellationToken cancellationToken)
    {
        using var doc = JsonDocument.Parse(await GetJsonAsync("api/v1/log", "the log info read", cancellationToken).ConfigureAwait(false), AttestationJson.DocumentOptions);
        return (doc.RootElement.ValueKind == JsonValueKind.Object ? AttestationJson.GetString(doc.RootElement, "signedTreeHead") : null)
            ?? throw new TransparencyLogException(LogFailureReason.MalformedAnswer, $"{Backend}: the log info has no signedTreeHead");
    }

    public async Task<IReadOnlyList<byte[]>> GetConsistencyProofAsync(long size1, long size2, CancellationToken cancellationToken)
    {
        var relative = FormattableString.Invariant($"api/v1/log/proof?firstSize={size1}&lastSize={size2}");
        using var doc = JsonDocument.Parse(await GetJsonAsync(relative, "the consistency proof", cancellationToken).ConfigureAwait(false), AttestationJson.DocumentOptions);
        if (doc.RootElement.ValueKind != JsonValueKind.Object || !doc.RootElement.TryGetProperty("hashes", out var hashes) || hashes.ValueKind != JsonValueKind.Array)
            throw new TransparencyLogException(LogFailureReason.MalformedAnswer, $"{Backend}: the consistency proof has no hashes");
        var list = new List<byte[]>();
        foreach (var h in hashes.EnumerateArray())
        {
            if (h.ValueKind != JsonValueKind.String || h.GetString() is not { Length: 64 } hex || !hex.All(Uri.IsHexDigit))
                throw new TransparencyLogException(LogFailureReason.MalformedAnswer, $"{Backend}: a consistency proof hash is not 32 bytes of hex");
            list.Add(Convert.FromHexString(hex));
        }
        return list;
    }

    public async Task<IReadOnlyList<LogRead>> GetEntriesAsync(long start, int count, long treeSize, CancellationToken cancellationToken)
    {
        if (start < 0 || count < 0 || start + count > treeSize) throw new ArgumentOutOfRangeException(nameof(start));
        var url = LogHttp.Under(BaseUrl, "api/v1/log/entries/retrieve");
        var reads = new List<LogRead>(count);
        for (var from = start; from < start + count; from += MaxIndexesPerRetrieve)
        {
            var indexes = Enumerable.Range(0, (int)Math.Min(MaxIndexesPerRetrieve, start + count - from)).Select(i => from + i).ToList();
            var body = AttestationJson.Write(w =>
            {
                w.WriteStartObject();
                w.WriteStartArray("logIndexes");
                foreach (var i in indexes) w.WriteNumberValue(i);
                w.WriteEndArray();
                w.WriteEndObject();
            });
            using var response = await resilience.SendAsync(http, () => LogHttp.Json(HttpMethod.Post, url, body), cancellationToken).ConfigureAwait(false);
            if (!LogHttp.IsSuccess(response.StatusCode)) throw LogHttp.Refused(response, Backend, "the entries read");
            var byIndex = new Dictionary<long, LogRead>();
            try
            {
                using var doc = JsonDocument.Parse(await LogHttp.ReadAsync(response, Backend, cancellationToken).ConfigureAwait(false), AttestationJson.DocumentOptions);
                if (doc.RootElement.ValueKind != JsonValueKind.Array) throw new TransparencyLogException(LogFailureReason.MalformedAnswer, $"{Backend}: the entries read is not a JSON array");
                foreach (var element in doc.RootElement.EnumerateArray())
                {
                    if (!TryParseAnswer(System.Text.Encoding.UTF8.GetBytes(element.GetRawText()), out var entry, out var uuid, out var error))
                        throw new TransparencyLogException(LogFailureReason.MalformedAnswer, $"{Backend}: {error}");
                    byIndex[entry.LogIndex] = new LogRead(entry, uuid);
                }
            }
            catch (JsonException)
            {
                throw new TransparencyLogException(LogFailureReason.MalformedAnswer, $"{Backend}: the entries read is not JSON");
            }
            foreach (var i in indexes)
                reads.Add(byIndex.TryGetValue(i, out var read) ? read
                    : throw new TransparencyLogException(LogFailureReason.MalformedAnswer, $"{Backend} did not answer entry {i.ToString(CultureInfo.InvariantCulture)} of a tree of {treeSize.ToString(CultureInfo.InvariantCulture)}"));
        }
        return reads;
    }

    private async Task<byte[]> GetJsonAsync(string relative, string what, CancellationToken cancellationToken)
    {
        var url = LogHttp.Under(BaseUrl, relative);
        using var response = await resilience.SendAsync(http, () => LogHttp.Json(HttpMethod.Get, url, null), cancellationToken).ConfigureAwait(false);
        if (!LogHttp.IsSuccess(response.StatusCode)) throw LogHttp.Refused(response, Backend, what);
        var json = await LogHttp.ReadAsync(response, Backend, cancellationToken).ConfigureAwait(false);
        try
        {
            using var _ = JsonDocument.Parse(json, AttestationJson.DocumentOptions);
        }
        catch (JsonException)
        {
            throw new TransparencyLogException(LogFailureReason.MalformedAnswer, $"{Backend}: {what} is not JSON");
        }
        return json;
    }

    private async Task<(LogEntry, string)> GetAsync(Uri url, CancellationToken cancellationToken)
    {
        using var response = await resilience.SendAsync(http, () => LogHttp.Json(HttpMethod.Get, url, null), cancellationToken).ConfigureAwait(false);
        if (!LogHttp.IsSuccess(response.StatusCode)) throw LogHttp.Refused(response, Backend, "the entry lookup");
        return Parse(await LogHttp.ReadAsync(response, Backend, cancellationToken).ConfigureAwait(false));
    }

    /// <summary>Reads Rekor v1's <c>LogEntry</c> answer (one uuid) into the Sigstore entry form.</summary>
    public static bool TryParseAnswer(byte[] json, [System.Diagnostics.CodeAnalysis.NotNullWhen(true)] out LogEntry? entry, out string uuid, out string error)
    {
        entry = null;
        uuid = "";
        try
        {
            using var doc = JsonDocument.Parse(json, AttestationJson.DocumentOptions);
            var root = doc.RootElement;
            if (root.ValueKind != JsonValueKind.Object) { error = "the answer is not a JSON object"; return false; }
            var props = root.EnumerateObject().ToList();
            if (props.Count != 1) { error = $"the answer holds {props.Count} entries, not one"; return false; }
            uuid = props[0].Name;
            var e = props[0].Value;
            if (!Base64Text.TryDecode(AttestationJson.GetString(e, "body"), out var body) || body.Length == 0) { error = "the entry has no base64 body"; return false; }
            if (!e.TryGetProperty("integratedTime", out var it) || !it.TryGetInt64(out var integrated)) { error = "the entry has no integratedTime"; return false; }
            if (!e.TryGetProperty("logIndex", out var li) || !li.TryGetInt64(out var index)) { error = "the entry has no logIndex"; return false; }
            if (AttestationJson.GetString(e, "logID") is not { Length: 64 } logIdHex || !logIdHex.All(Uri.IsHexDigit)) { error = "the entry has no hex logID"; return false; }
            byte[]? set = null;
            InclusionProof? proof = null;
            if (e.TryGetProperty("verification", out var v) && v.ValueKind == JsonValueKind.Object)
            {
                if (AttestationJson.GetString(v, "signedEntryTimestamp") is { } setText && !Base64Text.TryDecode(setText, out set)) { error = "the SET is not base64"; return false; }
                if (v.TryGetProperty("inclusionProof", out var p))
                {
                    if (!p.TryGetProperty("logIndex", out var pi) || !pi.TryGetInt64(out var proofIndex)
                        || !p.TryGetProperty("treeSize", out var ts) || !ts.TryGetInt64(out var size)
                        || AttestationJson.GetString(p, "rootHash") is not { Length: 64 } rootHex
                        || AttestationJson.GetString(p, "checkpoint") is not { } checkpoint
                        || !p.TryGetProperty("hashes", out var hashes) || hashes.ValueKind != JsonValueKind.Array)
                    { error = "the inclusion proof lacks logIndex, treeSize, rootHash, hashes or checkpoint"; return false; }
                    var list = new List<byte[]>();
                    foreach (var h in hashes.EnumerateArray())
                    {
                        if (h.GetString() is not { Length: 64 } hex) { error = "an inclusion proof hash is not 32 bytes of hex"; return false; }
                        list.Add(Convert.FromHexString(hex));
                    }
                    proof = new InclusionProof(proofIndex, Convert.FromHexString(rootHex), size, list, checkpoint);
                }
            }
            string kind = RekorEntryBodies.DsseKind, version = RekorEntryBodies.DsseVersion;
            using (var b = JsonDocument.Parse(body, AttestationJson.DocumentOptions))
            {
                kind = AttestationJson.GetString(b.RootElement, "kind") ?? kind;
                version = AttestationJson.GetString(b.RootElement, "apiVersion") ?? version;
            }
            entry = new LogEntry(index, Convert.FromHexString(logIdHex), kind, version, integrated, set, proof, body);
            error = "";
            return true;
        }
        catch (Exception e) when (e is JsonException or InvalidOperationException or FormatException)
        {
            error = "the answer is not a Rekor v1 log entry";
            return false;
        }
    }

    private (LogEntry, string) Parse(byte[] json)
        => TryParseAnswer(json, out var entry, out var uuid, out var error)
            ? (entry, uuid)
            : throw new TransparencyLogException(LogFailureReason.MalformedAnswer, $"{Backend}: {error}");
}
