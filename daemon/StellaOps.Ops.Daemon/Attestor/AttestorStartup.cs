using Microsoft.Extensions.Hosting;

namespace StellaOps.Ops.Daemon.Attestor;

/// <summary>After the state is open: release what a killed daemon left claimed, and note the signing mode.</summary>
internal sealed class AttestorStartup(AttestorService attestor, SigningModeWatch mode) : IHostedService
{
    public Task StartAsync(CancellationToken cancellationToken)
    {
        attestor.RecoverInterrupted();
        mode.Observe(atStart: true);
        return Task.CompletedTask;
    }

    public Task StopAsync(CancellationToken cancellationToken) => Task.CompletedTask;
}
