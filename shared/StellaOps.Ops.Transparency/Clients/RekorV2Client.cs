using StellaOps.Ops.Attestation;
using StellaOps.Ops.Transparency.Entries;
using StellaOps.Ops.Transparency.Resilience;

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
        var url = LogHttp.Under(BaseUrl, "checkpoint");
        using var response = await resilience.SendAsync(http, () => new HttpRequestMessage(HttpMethod.Get, url), cancellationToken).ConfigureAwait(false);
        if (!LogHttp.IsSuccess(response.StatusCode)) throw LogHttp.Refused(response, resilience.Backend, "the checkpoint read");
        return System.Text.Encoding.UTF8.GetString(await LogHttp.ReadAsync(response, resilience.Backend, cancellationToken).ConfigureAwait(false));
    }
}
