using System.Security.Cryptography;
using System.Text;
using StellaOps.Ops.Attestation.Dsse;
using StellaOps.Ops.Attestation.Signing;
using StellaOps.Ops.Contracts;
using StellaOps.Ops.Contracts.Rpc;
using StellaOps.Ops.IntegrationTests.Attestor;

namespace StellaOps.Ops.IntegrationTests.Trust;

/// <summary>
/// Issuer documents through the real daemon: the document "stella issuer keys publish" writes is accepted when a
/// trusted key signed it; across a rotation it is signed by the old and the new key and accepted on the old key's
/// word; one signed only by an unknown key, or replayed older, is refused and changes nothing.
/// </summary>
public sealed class IssuerDocumentTests : TrustDaemonTest
{

    [Fact]
    public async Task A_rotation_document_signed_by_old_and_new_key_is_accepted_and_a_replay_of_the_old_one_is_refused()
    {
        var first = await IssuerTestHost.LocalIssuerAsync(Daemon, Client);
        var oldKey = Assert.Single(first.Keys);
        Assert.Equal(1, first.DocumentVersion);
        Assert.Equal([oldKey.KeyId], first.DocumentSignedBy);
        Assert.Equal(IssuerKeyStatus.Active, oldKey.Status);
        Assert.NotNull(oldKey.NotAfter);

        // Keep version 1 aside: the replay.
        var folder = IssuerTestHost.LocalFolder(Daemon);
        var replay = Path.Combine(Daemon.Root, "replay");
        Directory.CreateDirectory(replay);
        File.Copy(Path.Combine(folder, "issuer.json"), Path.Combine(replay, "issuer.json"));

        var again = await Assert.ThrowsAsync<OpsException>(() => HandshakeAndSettingsTests.Call(() => Client.Issuers.FetchAsync("local", null, CancellationToken.None)));
        Assert.Equal(OpsErrorCode.IssuerDocumentReplayed, again.Code);

        var rotation = await Client.Keys.RotateAsync(null, CancellationToken.None);
        await Client.Keys.PublishAsync(rotation.Replacement.Id, CancellationToken.None);
        var envelope = DsseEnvelope.Parse(File.ReadAllBytes(Path.Combine(folder, "issuer.json")));
        Assert.Equal([rotation.Replacement.Id, oldKey.KeyId], envelope.Signatures.Select(s => s.KeyId));

        var rotated = await Client.Issuers.FetchAsync("local", null, CancellationToken.None);
        Assert.Equal(2, rotated.DocumentVersion);
        // Only the old key was trusted for the issuer: its signature is the one that verified.
        Assert.Equal([oldKey.KeyId], rotated.DocumentSignedBy);
        Assert.Equal(IssuerKeyStatus.Retired, rotated.Keys.Single(k => k.KeyId == oldKey.KeyId).Status);
        Assert.Equal(IssuerKeyStatus.Active, rotated.Keys.Single(k => k.KeyId == rotation.Replacement.Id).Status);

        var replayed = await Assert.ThrowsAsync<OpsException>(() => HandshakeAndSettingsTests.Call(() => Client.Issuers.FetchAsync("local", replay, CancellationToken.None)));
        Assert.Equal(OpsErrorCode.IssuerDocumentReplayed, replayed.Code);
        Assert.Contains("version 1", replayed.Message);
        Assert.Equal(2, (await Client.Issuers.GetAsync("local", CancellationToken.None)).DocumentVersion);
    }

    [Fact]
    public async Task The_runbook_line_with_no_source_fetches_this_daemons_own_issuer_from_where_it_publishes_it()
    {
        // Nothing published yet: the answer says to publish first, and where the document would be.
        var none = await Assert.ThrowsAsync<OpsException>(() => HandshakeAndSettingsTests.Call(() => Client.Issuers.FetchAsync("local", null, CancellationToken.None)));
        Assert.Equal(OpsErrorCode.NotFound, none.Code);
        Assert.Contains(Path.Combine(IssuerTestHost.LocalFolder(Daemon), "issuer.json"), none.Message);
        Assert.Contains("stella issuer keys publish", none.RecommendedAction);

        // Published (no trust anchor added): "stella issuer keys fetch local" reads the daemon's own folder, vouched for by its own key.
        await Client.Config.SetAsync("attest.signing.mode", "software", CancellationToken.None);
        var key = await AttestorTestHost.ActiveSoftwareKeyAsync(Client, name: "issuer-key");
        await Client.Keys.PublishAsync(key.Id, CancellationToken.None);
        var issuer = await Client.Issuers.FetchAsync("local", null, CancellationToken.None);
        Assert.Equal(IssuerTestHost.LocalFolder(Daemon), issuer.Source);
        Assert.Equal([key.Id], issuer.DocumentSignedBy);
        Assert.Equal([key.Id], issuer.Keys.Select(k => k.KeyId));
    }

    [Fact]
    public async Task A_document_signed_only_by_an_unknown_key_is_refused_for_a_known_and_for_a_new_issuer()
    {
        var known = await IssuerTestHost.LocalIssuerAsync(Daemon, Client);
        using var stranger = ECDsa.Create(ECCurve.NamedCurves.nistP256);
        var forged = Path.Combine(Daemon.Root, "forged");
        await WriteDocumentAsync(forged, "local", 99, stranger);
        var refused = await Assert.ThrowsAsync<OpsException>(() => HandshakeAndSettingsTests.Call(() => Client.Issuers.FetchAsync("local", forged, CancellationToken.None)));
        Assert.Equal(OpsErrorCode.IssuerDocumentRefused, refused.Code);
        Assert.Contains(KeyIds.FromSpki(stranger.ExportSubjectPublicKeyInfo()), refused.Message);
        var unchanged = await Client.Issuers.GetAsync("local", CancellationToken.None);
        Assert.Equal(known.DocumentVersion, unchanged.DocumentVersion);
        Assert.Equal(known.Keys.Select(k => k.KeyId), unchanged.Keys.Select(k => k.KeyId));

        var other = Path.Combine(Daemon.Root, "other");
        await WriteDocumentAsync(other, "partner", 1, stranger);
        var unknownIssuer = await Assert.ThrowsAsync<OpsException>(() => HandshakeAndSettingsTests.Call(() => Client.Issuers.FetchAsync("partner", other, CancellationToken.None)));
        Assert.Equal(OpsErrorCode.IssuerDocumentRefused, unknownIssuer.Code);
        Assert.Contains("trust-anchors add-key", unknownIssuer.RecommendedAction);
        var notFound = await Assert.ThrowsAsync<OpsException>(() => HandshakeAndSettingsTests.Call(() => Client.Issuers.GetAsync("partner", CancellationToken.None)));
        Assert.Equal(OpsErrorCode.IssuerNotFound, notFound.Code);

        // Once the partner's key is a trust anchor, the same document is accepted.
        await Client.TrustAnchors.AddAsync(new TrustAnchorRequest { Kind = TrustAnchorKind.Key, Pem = stranger.ExportSubjectPublicKeyInfoPem() }, CancellationToken.None);
        var partner = await Client.Issuers.FetchAsync("partner", other, CancellationToken.None);
        Assert.Equal(IssuerStatus.PendingApproval, partner.Status);
        var approved = await Client.Issuers.ApproveAsync("partner", "Approved by security team", CancellationToken.None);
        Assert.True(approved.Trusted, approved.Reason);
    }

    [Fact]
    public async Task An_issuer_document_is_fetched_from_an_http_url_and_the_url_is_kept_as_its_source()
    {
        using var listener = new System.Net.HttpListener();
        var port = FreePort();
        var prefix = $"http://127.0.0.1:{port}/issuers/local/";
        listener.Prefixes.Add(prefix);
        listener.Start();
        var served = 0;
        var serving = Task.Run(async () =>
        {
            while (listener.IsListening)
            {
                System.Net.HttpListenerContext context;
                try { context = await listener.GetContextAsync(); }
                catch (Exception ex) when (ex is System.Net.HttpListenerException or ObjectDisposedException) { return; }
                var file = Path.Combine(IssuerTestHost.LocalFolder(Daemon), Path.GetFileName(context.Request.Url!.AbsolutePath));
                if (File.Exists(file))
                {
                    Interlocked.Increment(ref served);
                    var bytes = await File.ReadAllBytesAsync(file);
                    context.Response.ContentType = "application/json";
                    await context.Response.OutputStream.WriteAsync(bytes);
                }
                else context.Response.StatusCode = 404;
                context.Response.Close();
            }
        });

        var issuer = await IssuerTestHost.LocalIssuerAsync(Daemon, Client, prefix);
        Assert.Equal(prefix, issuer.Source);
        Assert.Equal(1, issuer.DocumentVersion);
        Assert.Equal(1, served);

        var rotation = await Client.Keys.RotateAsync(null, CancellationToken.None);
        await Client.Keys.PublishAsync(rotation.Replacement.Id, CancellationToken.None);
        // No source given: the URL it came from last.
        var rotated = await Client.Issuers.FetchAsync("local", null, CancellationToken.None);
        Assert.Equal(2, rotated.DocumentVersion);
        Assert.Equal(2, served);

        var missing = await Assert.ThrowsAsync<OpsException>(() => HandshakeAndSettingsTests.Call(() => Client.Issuers.FetchAsync("local", $"http://127.0.0.1:{port}/nothing/", CancellationToken.None)));
        Assert.Equal(OpsErrorCode.Unavailable, missing.Code);
        Assert.Contains("404", missing.Message);
        listener.Stop();
        await serving;
    }

    private static int FreePort()
    {
        using var probe = new System.Net.Sockets.TcpListener(System.Net.IPAddress.Loopback, 0);
        probe.Start();
        return ((System.Net.IPEndPoint)probe.LocalEndpoint).Port;
    }

    /// <summary>An issuer document made outside the daemon: the test's own key signs the DSSE envelope.</summary>
    private static async Task WriteDocumentAsync(string folder, string issuer, long version, ECDsa key)
    {
        var spki = key.ExportSubjectPublicKeyInfo();
        var body = $$"""
            {"issuer":"{{issuer}}","version":{{version}},"issuedAt":"{{DateTimeOffset.UtcNow:O}}",
             "keys":[{"keyId":"{{KeyIds.FromSpki(spki)}}","algorithm":"ecdsa-p256","publicKey":{{System.Text.Json.JsonSerializer.Serialize(key.ExportSubjectPublicKeyInfoPem())}},"status":"active"}]}
            """;
        using var signer = SoftwareDsseSigner.FromPkcs8(key.ExportPkcs8PrivateKey(), KeyIds.FromSpki(spki));
        var envelope = await DsseEnvelopeBuilder.SignAsync("application/vnd.stellaops.issuer+json", Encoding.UTF8.GetBytes(body), [signer]);
        Directory.CreateDirectory(folder);
        await File.WriteAllBytesAsync(Path.Combine(folder, "issuer.json"), envelope.ToJsonBytes());
    }
}
