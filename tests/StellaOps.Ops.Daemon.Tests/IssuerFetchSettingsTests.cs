using System.Net;
using System.Net.Security;
using System.Net.Sockets;
using System.Security.Cryptography;
using System.Security.Cryptography.X509Certificates;
using System.Text;
using StellaOps.Ops.Contracts;
using StellaOps.Ops.Daemon.Trust;

namespace StellaOps.Ops.Daemon.Tests;

/// <summary>
/// How 'stella issuer keys fetch' reaches an http(s) issuer directory: through the proxy of issuers.fetch.proxy (a
/// loopback proxy here, for a host name that does not resolve), and over TLS trusting only the CA bundle of
/// issuers.fetch.ca_bundle (a loopback https server with a certificate from a CA made here), never the system's roots
/// then.
/// </summary>
public sealed class IssuerFetchSettingsTests
{
    private static readonly byte[] Document = Encoding.UTF8.GetBytes("{\"issuer document\":true}");

    [Fact]
    public async Task The_proxy_setting_sends_the_fetch_through_that_proxy()
    {
        var time = new ManualTime(DateTimeOffset.UtcNow);
        using var core = new DaemonCore(time);
        using var source = new IssuerDocumentSource(core.Settings);
        using var proxy = new TcpListener(IPAddress.Loopback, 0);
        proxy.Start();
        var port = ((IPEndPoint)proxy.LocalEndpoint).Port;
        var seen = ServeOnce(proxy, tls: null);

        core.Settings.Set(IssuerDocumentSource.ProxySetting, $"http://127.0.0.1:{port}", null);
        var bytes = await source.ReadAsync("http://issuer.invalid/issuers/local/", CancellationToken.None);

        Assert.Equal(Document, bytes);
        Assert.StartsWith("GET http://issuer.invalid/issuers/local/issuer.json HTTP/1.1", await seen, StringComparison.Ordinal);

        // Direct, the same name does not resolve: the proxy is what reached it.
        core.Settings.Set(IssuerDocumentSource.ProxySetting, "none", null);
        var direct = await Assert.ThrowsAsync<OpsException>(() => source.ReadAsync("http://issuer.invalid/issuers/local/", CancellationToken.None));
        Assert.Equal(OpsErrorCode.Unavailable, direct.Code);
        Assert.Contains("directly, no proxy", direct.Message, StringComparison.Ordinal);
    }

    [Fact]
    public async Task The_ca_bundle_setting_is_what_an_https_directory_must_chain_to()
    {
        var time = new ManualTime(DateTimeOffset.UtcNow);
        using var core = new DaemonCore(time);
        using var source = new IssuerDocumentSource(core.Settings);
        var dir = Directory.CreateTempSubdirectory("stella-fetch-");
        try
        {
            using var caKey = ECDsa.Create(ECCurve.NamedCurves.nistP256);
            var caRequest = new CertificateRequest("CN=issuer directory test CA", caKey, HashAlgorithmName.SHA256);
            caRequest.CertificateExtensions.Add(new X509BasicConstraintsExtension(true, false, 0, true));
            caRequest.CertificateExtensions.Add(new X509KeyUsageExtension(X509KeyUsageFlags.KeyCertSign, true));
            using var ca = caRequest.CreateSelfSigned(DateTimeOffset.UtcNow.AddDays(-1), DateTimeOffset.UtcNow.AddDays(30));
            using var serverKey = ECDsa.Create(ECCurve.NamedCurves.nistP256);
            var serverRequest = new CertificateRequest("CN=127.0.0.1", serverKey, HashAlgorithmName.SHA256);
            var names = new SubjectAlternativeNameBuilder();
            names.AddIpAddress(IPAddress.Loopback);
            serverRequest.CertificateExtensions.Add(names.Build());
            serverRequest.CertificateExtensions.Add(new X509EnhancedKeyUsageExtension([new Oid("1.3.6.1.5.5.7.3.1")], false));
            using var issued = serverRequest.Create(ca, DateTimeOffset.UtcNow.AddHours(-1), DateTimeOffset.UtcNow.AddDays(7), [1, 2, 3, 4]);
            using var server = X509CertificateLoader.LoadPkcs12(issued.CopyWithPrivateKey(serverKey).Export(X509ContentType.Pkcs12), null);
            var bundle = Path.Combine(dir.FullName, "ca.pem");
            File.WriteAllText(bundle, ca.ExportCertificatePem());

            using var listener = new TcpListener(IPAddress.Loopback, 0);
            listener.Start();
            var url = $"https://127.0.0.1:{((IPEndPoint)listener.LocalEndpoint).Port}/issuers/local/";
            core.Settings.Set(IssuerDocumentSource.ProxySetting, "none", null);

            // The system's roots do not know this CA: refused, saying so.
            var refusedServe = ServeOnce(listener, server);
            var refused = await Assert.ThrowsAsync<OpsException>(() => source.ReadAsync(url, CancellationToken.None));
            Assert.Equal(OpsErrorCode.Unavailable, refused.Code);
            Assert.Contains("not trusted", refused.Message, StringComparison.Ordinal);
            Assert.Contains(IssuerDocumentSource.CaBundleSetting, refused.RecommendedAction, StringComparison.Ordinal);
            await Assert.ThrowsAnyAsync<Exception>(() => refusedServe);

            core.Settings.Set(IssuerDocumentSource.CaBundleSetting, bundle, null);
            var served = ServeOnce(listener, server);
            Assert.Equal(Document, await source.ReadAsync(url, CancellationToken.None));
            Assert.StartsWith("GET /issuers/local/issuer.json HTTP/1.1", await served, StringComparison.Ordinal);
        }
        finally
        {
            dir.Delete(recursive: true);
        }
    }

    /// <summary>Accepts one connection (over TLS with <paramref name="tls"/>), answers the document, returns the request head.</summary>
    private static async Task<string> ServeOnce(TcpListener listener, X509Certificate2? tls)
    {
        using var client = await listener.AcceptTcpClientAsync();
        Stream stream = client.GetStream();
        if (tls is not null)
        {
            var ssl = new SslStream(stream);
            await ssl.AuthenticateAsServerAsync(tls);
            stream = ssl;
        }
        await using (stream)
        {
            var head = new StringBuilder();
            var buffer = new byte[1];
            while (!head.ToString().EndsWith("\r\n\r\n", StringComparison.Ordinal) && await stream.ReadAsync(buffer) == 1) head.Append((char)buffer[0]);
            var answer = Encoding.ASCII.GetBytes($"HTTP/1.1 200 OK\r\nContent-Type: application/json\r\nContent-Length: {Document.Length}\r\nConnection: close\r\n\r\n");
            await stream.WriteAsync(answer);
            await stream.WriteAsync(Document);
            await stream.FlushAsync();
            return head.ToString();
        }
    }
}
