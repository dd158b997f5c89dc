using System.Net;
using System.Net.Http.Headers;

namespace StellaOps.Ops.Transparency.Clients;

/// <summary>HTTP details both log clients share: JSON requests, size-capped answers, error mapping.</summary>
internal static class LogHttp
{
    public const int MaxAnswerBytes = 8 << 20;

    public static HttpRequestMessage Json(HttpMethod method, Uri url, byte[]? body)
    {
        var request = new HttpRequestMessage(method, url);
        request.Headers.Accept.Add(new MediaTypeWithQualityHeaderValue("application/json"));
        if (body is not null)
        {
            request.Content = new ByteArrayContent(body);
            request.Content.Headers.ContentType = new MediaTypeHeaderValue("application/json");
        }
        return request;
    }

    public static async Task<byte[]> ReadAsync(HttpResponseMessage response, string backend, CancellationToken ct)
    {
        if (response.Content.Headers.ContentLength > MaxAnswerBytes)
            throw new TransparencyLogException(LogFailureReason.MalformedAnswer, $"{backend} answered more than {MaxAnswerBytes} bytes");
        await using var stream = await response.Content.ReadAsStreamAsync(ct).ConfigureAwait(false);
        using var buffer = new MemoryStream();
        var chunk = new byte[81920];
        int read;
        while ((read = await stream.ReadAsync(chunk, ct).ConfigureAwait(false)) > 0)
        {
            if (buffer.Length + read > MaxAnswerBytes)
                throw new TransparencyLogException(LogFailureReason.MalformedAnswer, $"{backend} answered more than {MaxAnswerBytes} bytes");
            buffer.Write(chunk, 0, read);
        }
        return buffer.ToArray();
    }

    public static TransparencyLogException Refused(HttpResponseMessage response, string backend, string what)
        => new(LogFailureReason.Rejected, $"{backend} refused {what}: HTTP {(int)response.StatusCode} {response.StatusCode}", response.StatusCode);

    public static Uri Under(Uri baseUrl, string relative)
        => new(new Uri(baseUrl.AbsoluteUri.EndsWith('/') ? baseUrl.AbsoluteUri : baseUrl.AbsoluteUri + "/"), relative);

    public static bool IsSuccess(HttpStatusCode status) => status is HttpStatusCode.OK or HttpStatusCode.Created;
}
