using StellaOps.Ops.Contracts;
using StellaOps.Ops.Contracts.Unix;

namespace StellaOps.Ops.Daemon.Trust;

/// <summary>
/// Reads an issuer document from a folder (its <c>issuer.json</c>) or an http(s) URL, capped at
/// <see cref="IssuerDocument.MaxBytes"/>. The document is signed, so where it came from is not what makes it
/// trusted: the signature check that follows is.
/// </summary>
public sealed class IssuerDocumentSource
{
    private static readonly HttpClient Http = new() { Timeout = TimeSpan.FromSeconds(30) };

    public static string Normalise(string source)
    {
        var s = source.Trim();
        if (Uri.TryCreate(s, UriKind.Absolute, out var uri) && uri.Scheme is "http" or "https") return uri.ToString();
        if (!Path.IsPathFullyQualified(s))
            throw OpsException.InvalidArgument($"'{source}' is neither an http(s) URL nor an absolute folder path.", source, "Give the issuer directory's URL or the full path of the folder holding issuer.json.");
        return Path.GetFullPath(s);
    }

    public async Task<byte[]> ReadAsync(string source, CancellationToken cancellationToken)
    {
        if (Uri.TryCreate(source, UriKind.Absolute, out var uri) && uri.Scheme is "http" or "https")
        {
            var url = uri.AbsolutePath.EndsWith(".json", StringComparison.OrdinalIgnoreCase) ? uri : new Uri(uri.ToString().TrimEnd('/') + "/" + IssuerDocument.FileName);
            try
            {
                using var response = await Http.GetAsync(url, HttpCompletionOption.ResponseHeadersRead, cancellationToken).ConfigureAwait(false);
                if (!response.IsSuccessStatusCode)
                    throw new OpsException(OpsErrorCode.Unavailable, $"The issuer directory answered {(int)response.StatusCode} {response.ReasonPhrase} for {url}.", url.ToString(), "Check the URL, or fetch from a folder copy with -Source <folder>.");
                if (response.Content.Headers.ContentLength > IssuerDocument.MaxBytes) throw TooLarge(url.ToString());
                await using var stream = await response.Content.ReadAsStreamAsync(cancellationToken).ConfigureAwait(false);
                return await ReadCapped(stream, url.ToString(), cancellationToken).ConfigureAwait(false);
            }
            catch (HttpRequestException ex)
            {
                throw new OpsException(OpsErrorCode.Unavailable, $"The issuer directory {url} cannot be reached: {ex.HttpRequestError}.", url.ToString(), "Check the network, or fetch from a folder copy with -Source <folder>.");
            }
            catch (TaskCanceledException) when (!cancellationToken.IsCancellationRequested)
            {
                throw new OpsException(OpsErrorCode.Timeout, $"The issuer directory {url} did not answer within 30s.", url.ToString());
            }
        }
        var path = Directory.Exists(source) ? Path.Combine(source, IssuerDocument.FileName) : source;
        // Like every other path the daemon reads: no link, nothing on the way that someone else could have swapped.
        // The signature check decides trust; this keeps another local user from choosing what the daemon parses.
        if (!OperatingSystem.IsWindows() && PathTrust.ForThisProcess().CheckFile(path) is { } problem)
            throw problem.ToException("the daemon does not read an issuer document from there",
                $"{problem.Fix} Or copy the issuer's folder to one that only you (or root) can write, and fetch from there.");
        try
        {
            await using var file = new FileStream(path, FileMode.Open, FileAccess.Read, FileShare.Read);
            return await ReadCapped(file, path, cancellationToken).ConfigureAwait(false);
        }
        catch (Exception ex) when (ex is FileNotFoundException or DirectoryNotFoundException)
        {
            throw OpsException.NotFound($"There is no issuer document at {path}.", path, "Publish one with 'stella issuer keys publish <key-id>' on the issuer's daemon and copy its issuers/local folder here.");
        }
        catch (UnauthorizedAccessException)
        {
            throw new OpsException(OpsErrorCode.PermissionDenied, $"The daemon may not read {path}.", path, "Make the file readable by the daemon's user.");
        }
    }

    private static async Task<byte[]> ReadCapped(Stream stream, string where, CancellationToken cancellationToken)
    {
        var buffer = new MemoryStream();
        var chunk = new byte[16 * 1024];
        int n;
        while ((n = await stream.ReadAsync(chunk, cancellationToken).ConfigureAwait(false)) > 0)
        {
            if (buffer.Length + n > IssuerDocument.MaxBytes) throw TooLarge(where);
            buffer.Write(chunk, 0, n);
        }
        return buffer.ToArray();
    }

    private static OpsException TooLarge(string where)
        => new(OpsErrorCode.LimitExceeded, $"The issuer document at {where} is larger than {IssuerDocument.MaxBytes / 1024} KiB; refused unread.", where);
}
