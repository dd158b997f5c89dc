using System.Net;
using StellaOps.Ops.Contracts;

namespace StellaOps.Ops.Tuf;

/// <summary>
/// Fetches over HTTP(S) with a size cap (checked against Content-Length first, then while reading: an endless body
/// stops at the cap) and a time limit for the whole request, body included (a slow repository cannot hold the
/// client). Redirects are followed only by HttpClient's defaults (same scheme or up to HTTPS).
/// </summary>
public sealed class HttpTufFetcher : ITufFetcher, IDisposable
{
    private readonly HttpClient _client;
    private readonly bool _ownsClient;

    public HttpTufFetcher(HttpClient? client = null, TimeSpan? timeout = null)
    {
        _ownsClient = client is null;
        _client = client ?? new HttpClient(new SocketsHttpHandler { AutomaticDecompression = DecompressionMethods.None, ConnectTimeout = TimeSpan.FromSeconds(15) });
        Timeout = timeout ?? TimeSpan.FromSeconds(30);
    }

    /// <summary>The limit for one request, connect to last byte.</summary>
    public TimeSpan Timeout { get; }

    public async Task<byte[]?> FetchAsync(string url, long maxLength, CancellationToken cancellationToken)
    {
        using var timeout = CancellationTokenSource.CreateLinkedTokenSource(cancellationToken);
        timeout.CancelAfter(Timeout);
        try
        {
            using var request = new HttpRequestMessage(HttpMethod.Get, url);
            using var response = await _client.SendAsync(request, HttpCompletionOption.ResponseHeadersRead, timeout.Token).ConfigureAwait(false);
            if (response.StatusCode is HttpStatusCode.NotFound or HttpStatusCode.Forbidden) return null;
            if (!response.IsSuccessStatusCode)
                throw new OpsException(OpsErrorCode.TufFetchFailed, $"The TUF repository answered {(int)response.StatusCode} {response.ReasonPhrase} for {url}.", url,
                    "Check the repository URL and that the repository is up; the client keeps the metadata it trusts.");
            if (response.Content.Headers.ContentLength is { } declared && declared > maxLength)
                throw TufErrors.LengthExceeded(FileNameOf(url), maxLength, "the limit for it");
            await using var body = await response.Content.ReadAsStreamAsync(timeout.Token).ConfigureAwait(false);
            return await ReadCappedAsync(body, maxLength, FileNameOf(url), timeout.Token).ConfigureAwait(false);
        }
        catch (OperationCanceledException) when (!cancellationToken.IsCancellationRequested)
        {
            throw new OpsException(OpsErrorCode.TufTimeout, $"The TUF repository did not answer {url} within {Timeout.TotalSeconds:0} s.", url,
                "Check the network and the repository; the client keeps the metadata it trusts.");
        }
        catch (HttpRequestException e)
        {
            throw new OpsException(OpsErrorCode.TufFetchFailed, $"The TUF repository could not be reached at {url}: {e.HttpRequestError}.", url,
                "Check the repository URL, DNS, proxy and network; the client keeps the metadata it trusts.");
        }
    }

    internal static async Task<byte[]> ReadCappedAsync(Stream body, long maxLength, string name, CancellationToken cancellationToken)
    {
        using var buffer = new MemoryStream();
        var chunk = new byte[81920];
        while (true)
        {
            var n = await body.ReadAsync(chunk, cancellationToken).ConfigureAwait(false);
            if (n == 0) break;
            if (buffer.Length + n > maxLength) throw TufErrors.LengthExceeded(name, maxLength, "the limit for it");
            buffer.Write(chunk, 0, n);
        }
        return buffer.ToArray();
    }

    private static string FileNameOf(string url) => Uri.UnescapeDataString(url[(url.LastIndexOf('/') + 1)..]);

    public void Dispose()
    {
        if (_ownsClient) _client.Dispose();
    }
}
