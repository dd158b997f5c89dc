using StellaOps.Ops.Contracts;
using System.Net.Security;
using System.Security.Cryptography;
using System.Security.Cryptography.X509Certificates;
using StellaOps.Ops.Contracts.Unix;
using StellaOps.Ops.Daemon.Settings;

namespace StellaOps.Ops.Daemon.Trust;

/// <summary>
/// Reads an issuer document from a folder (its <c>issuer.json</c>) or an http(s) URL, capped at
/// <see cref="IssuerDocument.MaxBytes"/>. The document is signed, so where it came from is not what makes it
/// trusted: the signature check that follows is.
/// </summary>
public sealed class IssuerDocumentSource(SettingsService settings) : IDisposable
{
    public const string ProxySetting = "issuers.fetch.proxy";
    public const string CaBundleSetting = "issuers.fetch.ca_bundle";

    private readonly Lock _gate = new();
    private (string Proxy, string Bundle, HttpClient Client)? _http;

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
                using var response = await Http().GetAsync(url, HttpCompletionOption.ResponseHeadersRead, cancellationToken).ConfigureAwait(false);
                if (!response.IsSuccessStatusCode)
                    throw new OpsException(OpsErrorCode.Unavailable, $"The issuer directory answered {(int)response.StatusCode} {response.ReasonPhrase} for {url}.", url.ToString(), "Check the URL, or fetch from a folder copy with -Source <folder>.");
                if (response.Content.Headers.ContentLength > IssuerDocument.MaxBytes) throw TooLarge(url.ToString());
                await using var stream = await response.Content.ReadAsStreamAsync(cancellationToken).ConfigureAwait(false);
                return await ReadCapped(stream, url.ToString(), cancellationToken).ConfigureAwait(false);
            }
            catch (HttpRequestException ex) when (ex.HttpRequestError == HttpRequestError.SecureConnectionError)
            {
                throw new OpsException(OpsErrorCode.Unavailable, $"The issuer directory {url} was not trusted: its TLS certificate does not chain to {(settings.Value(CaBundleSetting) is { Length: > 0 } bundle ? bundle : "the system's roots")}, or names another host.", url.ToString(),
                    $"Name the CA that issued it: 'Set-StellaConfig -Name {CaBundleSetting} -Value <ca-bundle.pem>', or fetch from a folder copy with -Source <folder>.");
            }
            catch (HttpRequestException ex)
            {
                throw new OpsException(OpsErrorCode.Unavailable, $"The issuer directory {url} cannot be reached{ProxyInWords()}: {ex.HttpRequestError}.", url.ToString(),
                    $"Check the network and the proxy ({ProxySetting}), or fetch from a folder copy with -Source <folder>.");
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

    public void Dispose()
    {
        lock (_gate) _http?.Client.Dispose();
    }

    private string ProxyInWords() => settings.Value(ProxySetting) switch
    {
        "system" => "",
        "none" => " (directly, no proxy)",
        var proxy => $" through the proxy {proxy}",
    };

    /// <summary>The client for the current proxy and CA bundle settings, made anew when either changes.</summary>
    private HttpClient Http()
    {
        var proxy = settings.Value(ProxySetting).Trim();
        var bundle = settings.Value(CaBundleSetting).Trim();
        lock (_gate)
        {
            if (_http is { } current && current.Proxy == proxy && current.Bundle == bundle) return current.Client;
            var handler = new SocketsHttpHandler { ConnectTimeout = TimeSpan.FromSeconds(30), PooledConnectionLifetime = TimeSpan.FromMinutes(5) };
            switch (proxy.ToLowerInvariant())
            {
                case "system" or "":
                    break; // SocketsHttpHandler's default: HttpClient.DefaultProxy, read from the environment.
                case "none":
                    handler.UseProxy = false;
                    break;
                default:
                    if (!Uri.TryCreate(proxy, UriKind.Absolute, out var proxyUri) || proxyUri.Scheme is not ("http" or "https"))
                        throw new OpsException(OpsErrorCode.InvalidSetting, $"'{proxy}' is not a valid value for {ProxySetting}: use system, none or a proxy URL (http://host:port).", ProxySetting,
                            $"Run 'Set-StellaConfig -Name {ProxySetting} -Value http://proxy.example:3128' (or system, or none).");
                    handler.Proxy = new System.Net.WebProxy(proxyUri);
                    handler.UseProxy = true;
                    break;
            }
            if (bundle.Length > 0)
            {
                var roots = ReadBundle(bundle);
                handler.SslOptions.RemoteCertificateValidationCallback = (_, certificate, _, errors) => ChainsTo(roots, certificate, errors);
            }
            var client = new HttpClient(handler) { Timeout = TimeSpan.FromSeconds(30) };
            _http?.Client.Dispose();
            _http = (proxy, bundle, client);
            return client;
        }
    }

    private static X509Certificate2Collection ReadBundle(string path)
    {
        if (!OperatingSystem.IsWindows() && PathTrust.ForThisProcess().CheckFile(path) is { } problem)
            throw problem.ToException($"the daemon does not take the CA bundle of {CaBundleSetting} from there");
        var roots = new X509Certificate2Collection();
        try
        {
            roots.ImportFromPemFile(path);
        }
        catch (Exception e) when (e is IOException or UnauthorizedAccessException or CryptographicException)
        {
            throw new OpsException(OpsErrorCode.InvalidSetting, $"The CA bundle {path} ({CaBundleSetting}) cannot be read as PEM certificates: {e.Message}", CaBundleSetting,
                "Give a file of '-----BEGIN CERTIFICATE-----' blocks, or reset it: Reset-StellaConfig -Name " + CaBundleSetting);
        }
        if (roots.Count == 0)
            throw new OpsException(OpsErrorCode.InvalidSetting, $"The CA bundle {path} ({CaBundleSetting}) holds no certificate.", CaBundleSetting, "Give a file of '-----BEGIN CERTIFICATE-----' blocks.");
        return roots;
    }

    /// <summary>The server's certificate chains to one of the bundle's roots (only those), and names the host asked for.</summary>
    private static bool ChainsTo(X509Certificate2Collection roots, X509Certificate? certificate, SslPolicyErrors errors)
    {
        if (certificate is null || (errors & (SslPolicyErrors.RemoteCertificateNotAvailable | SslPolicyErrors.RemoteCertificateNameMismatch)) != 0) return false;
        using var chain = new X509Chain();
        chain.ChainPolicy.TrustMode = X509ChainTrustMode.CustomRootTrust;
        chain.ChainPolicy.CustomTrustStore.AddRange(roots);
        chain.ChainPolicy.RevocationMode = X509RevocationMode.NoCheck;
        using var leaf = X509CertificateLoader.LoadCertificate(certificate.GetRawCertData());
        return chain.Build(leaf);
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
