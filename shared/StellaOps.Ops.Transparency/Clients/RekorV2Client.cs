using StellaOps.Ops.Attestation;
using StellaOps.Ops.Transparency.Entries;
using StellaOps.Ops.Attestation.Merkle;
using StellaOps.Ops.Transparency.Resilience;
using StellaOps.Ops.Transparency.Tiles;

namespace StellaOps.Ops.Transparency.Clients;

/// <summary>
/// Rekor v2 (C2SP tlog-tiles behind <c>POST /api/v2/log/entries</c>): a DSSE envelope is logged as a
/// <c>hashedRekordRequestV002</c> over the digest of its PAE, with the key's <c>keyDetails</c> (P-384 signs
/// SHA-384). The answer is a <c>TransparencyLogEntry</c> with integratedTime 0, no SET, an inclusion proof and a
/// checkpoint; it comes only once a checkpoint covers the entry (the attempt timeout must allow ≥ 20 s).
/// Logging the same content again answers the existing entry.
/// </summary>
public sealed class RekorV2Client(HttpClient http, Uri baseUrl, LogBackendResilience resilience) : ITransparencyLogClient
{
    public Uri BaseUrl { get; } = baseUrl;

    public int MajorApiVersion => 2;

    public async Task<LogSubmission> SubmitAsync(LogSubmissionRequest request, CancellationToken cancellationToken)
    {
        var digest = KeyDetails.Digest(request.Algorithm, request.Envelope.PreAuthenticationEncoding());
        var body = AttestationJson.Write(w =>
        {
            w.WriteStartObject();
            w.WriteStartObject("hashedRekordRequestV002");
            w.WriteString("digest", Convert.ToBase64String(digest));
            w.WriteStartObject("signature");
            w.WriteString("content", Convert.ToBase64String(request.Envelope.Signatures[0].Signature));
            w.WriteStartObject("verifier");
            w.WriteStartObject("publicKey");
            w.WriteString("rawBytes", Convert.ToBase64String(request.SignerSpki));
            w.WriteEndObject();
            w.WriteString("keyDetails", KeyDetails.For(request.Algorithm));
            w.WriteEndObject();
            w.WriteEndObject();
            w.WriteEndObject();
            w.WriteEndObject();
        });
        var url = LogHttp.Under(BaseUrl, "api/v2/log/entries");
        using var response = await resilience.SendAsync(http, () => LogHttp.Json(HttpMethod.Post, url, body), cancellationToken).ConfigureAwait(false);
        var conflict = response.StatusCode == System.Net.HttpStatusCode.Conflict;
        if (!LogHttp.IsSuccess(response.StatusCode) && !conflict) throw LogHttp.Refused(response, resilience.Backend, "the entry");
        var json = await LogHttp.ReadAsync(response, resilience.Backend, cancellationToken).ConfigureAwait(false);
        if (!LogEntry.TryParse(json, out var entry, out var error))
            throw new TransparencyLogException(LogFailureReason.MalformedAnswer, $"{resilience.Backend}: {error}");
        return new LogSubmission(entry, conflict, null);
    }

    /// <summary>The log's latest signed checkpoint (<c>GET checkpoint</c>, C2SP tlog-tiles), unverified.</summary>
    public async Task<string> GetCheckpointAsync(CancellationToken cancellationToken)
    {
        return System.Text.Encoding.UTF8.GetString(await GetAsync("checkpoint", "the checkpoint read", cancellationToken).ConfigureAwait(false));
    }

    public async Task<IReadOnlyList<byte[]>> GetConsistencyProofAsync(long size1, long size2, CancellationToken cancellationToken)
        => await Tiles(size2).HashesAsync(MerkleSubtrees.ConsistencyPath(size1, size2), cancellationToken).ConfigureAwait(false);

    public async Task<IReadOnlyList<LogRead>> GetEntriesAsync(long start, int count, long treeSize, CancellationToken cancellationToken)
    {
        if (start < 0 || count < 0 || start + count > treeSize) throw new ArgumentOutOfRangeException(nameof(start));
        var tiles = Tiles(treeSize);
        var root = (await tiles.HashesAsync([(0, treeSize)], cancellationToken).ConfigureAwait(false))[0];
        var reads = new List<LogRead>(count);
        for (var bundle = start >> 8; bundle <= (start + count - 1) >> 8 && count > 0; bundle++)
        {
            var width = tiles.Width(0, bundle);
            var bodies = await GetAsync("tile/entries/" + TileAddress.EntriesPath(bundle, width), "the entry bundle read", cancellationToken).ConfigureAwait(false);
            if (!EntryBundle.TryParse(bodies, out var entries, out var error) || entries.Count != width)
                throw new TransparencyLogException(LogFailureReason.MalformedAnswer, $"{resilience.Backend}: entry bundle {bundle}: {(error.Length > 0 ? error : $"{entries.Count} entries, not {width}")}");
            for (var i = 0; i < width; i++)
            {
                var index = bundle * 256 + i;
                if (index < start || index >= start + count) continue;
                var proof = await tiles.HashesAsync(MerkleSubtrees.InclusionPath(index, treeSize), cancellationToken).ConfigureAwait(false);
                // v2 entries name no log: the caller knows which log it read (the log id stays empty here).
                var entry = new LogEntry(index, [], RekorEntryBodies.HashedRekordKind, RekorEntryBodies.HashedRekordVersion, 0, null,
                    new InclusionProof(index, root, treeSize, proof, ""), entries[i]);
                reads.Add(new LogRead(entry, null));
            }
        }
        return reads;
    }

    private TileHashReader Tiles(long treeSize) => new(treeSize, (level, index, width, ct) => GetAsync("tile/" + TileAddress.Path(level, index, width), "the tile read", ct));

    private async Task<byte[]> GetAsync(string relative, string what, CancellationToken cancellationToken)
    {
        var url = LogHttp.Under(BaseUrl, relative);
        using var response = await resilience.SendAsync(http, () => new HttpRequestMessage(HttpMethod.Get, url), cancellationToken).ConfigureAwait(false);
        if (!LogHttp.IsSuccess(response.StatusCode)) throw LogHttp.Refused(response, resilience.Backend, what);
        return await LogHttp.ReadAsync(response, resilience.Backend, cancellationToken).ConfigureAwait(false);
    }
}
