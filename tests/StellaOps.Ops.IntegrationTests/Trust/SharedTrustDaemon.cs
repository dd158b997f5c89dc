using StellaOps.Ops.Contracts.Client;

namespace StellaOps.Ops.IntegrationTests.Trust;

/// <summary>
/// One real daemon (software signing) for all tests of a class that do not depend on an empty trust store: each
/// test brings its own key and CA, so they do not see each other, and the suite starts one daemon instead of many.
/// </summary>
public sealed class SharedTrustDaemon : IAsyncLifetime
{
    public DaemonProcess Daemon { get; private set; } = null!;
    public OpsClient Client { get; private set; } = null!;

    public async Task InitializeAsync()
    {
        Daemon = await DaemonProcess.StartNewAsync();
        Client = await Daemon.ConnectAsync();
        await Client.Config.SetAsync("attest.signing.mode", "software", CancellationToken.None);
    }

    public async Task DisposeAsync()
    {
        await Client.DisposeAsync();
        await Daemon.DisposeAsync();
    }
}
