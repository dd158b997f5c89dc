using StellaOps.Ops.Contracts.Client;

namespace StellaOps.Ops.IntegrationTests.Trust;

/// <summary>A fresh real daemon per test and one operator (root) connection to it: the trust tests' shared set-up.</summary>
public abstract class TrustDaemonTest : IAsyncLifetime
{
    protected DaemonProcess Daemon { get; private set; } = null!;
    protected OpsClient Client { get; private set; } = null!;

    public virtual async Task InitializeAsync()
    {
        Daemon = await DaemonProcess.StartNewAsync();
        Client = await Daemon.ConnectAsync();
    }

    public async Task DisposeAsync()
    {
        await Client.DisposeAsync();
        await Daemon.DisposeAsync();
    }
}
