using System.Net.Http.Headers;
using System.Security.Cryptography;
using System.Security.Cryptography.Pkcs;
using StellaOps.Ops.Transparency.Clients;
using StellaOps.Ops.Transparency.Resilience;

namespace StellaOps.Ops.Transparency.Timestamps;

/// <summary>
/// An RFC 3161 time-stamping client (the signing config's <c>tsaUrls</c>) with the in-box
/// <see cref="Rfc3161TimestampRequest"/>: a SHA-256 imprint of the DSSE signature, a random nonce, the TSA's
/// certificates requested. Answers the TSA's whole DER <c>TimeStampResp</c> (status and token), checked against the
/// request (granted, imprint, nonce): a Sigstore bundle's <c>signedTimestamp</c> is that response, and @sigstore/verify
/// reads nothing else; <see cref="Attestation.Verification.AttestationVerifier.TokenOf"/> takes its token out.
/// </summary>
public sealed class Rfc3161Client(HttpClient http, Uri url, LogBackendResilience resilience)
{
    public Uri Url { get; } = url;

    public async Task<byte[]> TimestampAsync(byte[] signature, CancellationToken cancellationToken)
    {
        var nonce = RandomNumberGenerator.GetBytes(16);
        nonce[0] &= 0x7f; // a positive INTEGER
        var request = Rfc3161TimestampRequest.CreateFromData(signature, HashAlgorithmName.SHA256, requestSignerCertificates: true, nonce: nonce);
        var encoded = request.Encode();
        using var response = await resilience.SendAsync(http, () =>
        {
            var message = new HttpRequestMessage(HttpMethod.Post, Url) { Content = new ByteArrayContent(encoded) };
            message.Content.Headers.ContentType = new MediaTypeHeaderValue("application/timestamp-query");
            return message;
        }, cancellationToken).ConfigureAwait(false);
        if (!response.IsSuccessStatusCode) throw LogHttp.Refused(response, resilience.Backend, "the timestamp request");
        var answer = await LogHttp.ReadAsync(response, resilience.Backend, cancellationToken).ConfigureAwait(false);
        try
        {
            request.ProcessResponse(answer, out var read);
            return answer[..read];
        }
        catch (CryptographicException e)
        {
            throw new TransparencyLogException(LogFailureReason.MalformedAnswer, $"{resilience.Backend}: the timestamp answer does not match the request or is not granted ({e.Message})");
        }
    }
}
