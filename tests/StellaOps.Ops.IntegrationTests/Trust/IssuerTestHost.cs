using StellaOps.Ops.Contracts.Client;
using StellaOps.Ops.Contracts.Rpc;
using StellaOps.Ops.IntegrationTests.Attestor;

namespace StellaOps.Ops.IntegrationTests.Trust;

/// <summary>The daemon's own issuer ("local") known to the daemon itself: a published software key, trusted first as a key anchor.</summary>
internal static class IssuerTestHost
{
    public static string LocalFolder(DaemonProcess daemon) => Path.Combine(daemon.StateDirectory, "issuers", "local");

    /// <param name="source">Where the daemon fetches the document from; default its own issuers/local folder.</param>
    public static async Task<IssuerInfo> LocalIssuerAsync(DaemonProcess daemon, OpsClient client, string? source = null)
    {
        await client.Config.SetAsync("attest.signing.mode", "software", CancellationToken.None);
        var key = await AttestorTestHost.ActiveSoftwareKeyAsync(client, name: "issuer-key");
        await client.Keys.PublishAsync(key.Id, CancellationToken.None);
        var pem = (await client.Keys.GetPublicKeyAsync(key.Id, CancellationToken.None)).Pem;
        await client.TrustAnchors.AddAsync(new TrustAnchorRequest { Kind = TrustAnchorKind.Key, Pem = pem }, CancellationToken.None);
        return await client.Issuers.FetchAsync("local", source ?? LocalFolder(daemon), CancellationToken.None);
    }
}
