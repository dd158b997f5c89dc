using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Hosting;
using Microsoft.Extensions.Logging;
using StellaOps.Ops.Contracts;
using StellaOps.Ops.Contracts.Rpc;
using StellaOps.Ops.Daemon.Doctor;
using StellaOps.Ops.Daemon.Keys;
using StellaOps.Ops.Daemon.Settings;
using StellaOps.Ops.Daemon.SystemInfo;

namespace StellaOps.Ops.Daemon.Attestor;

/// <summary>Registers the attestor: store, service, RPC handler, signing-health check, reload and start-up recovery.</summary>
public static class AttestorCapability
{
    public static IServiceCollection AddAttestorCapability(this IServiceCollection services)
    {
        services.AddSingleton<AttestationStore>();
        services.AddSingleton<AttestorService>();
        services.AddSingleton<AttestationInspector>();
        services.AddSingleton<SigningProbe>();
        services.AddSingleton<IAttestRpc, AttestRpc>();
        services.AddSingleton<IHealthCheck, SigningHealthCheck>();
        services.AddSingleton<SigningModeWatch>();
        services.AddSingleton<IReloadable>(sp => sp.GetRequiredService<SigningModeWatch>());
        services.AddSingleton<ICapabilityStatus, AttestorCapabilityStatus>();
        services.AddHostedService<AttestorStartup>();
        return services;
    }

    /// <summary>"attestor" in Get-StellaDaemonStatus: degraded while attestations wait unsigned or no key can sign.</summary>
    private sealed class AttestorCapabilityStatus(AttestorService attestor, Keys.KeyService keys) : ICapabilityStatus
    {
        public CapabilityStatus Current
        {
            get
            {
                var counts = attestor.Store.CountByStatus();
                var (key, problem) = SigningKeyCheck.Resolve(keys);
                var waiting = counts[AttestationStatus.Failed];
                var state = problem is null && waiting == 0 ? CapabilityState.Ready : CapabilityState.Degraded;
                var signer = problem is null ? $"signs with {key!.Id[..16]}…" : problem.Message;
                var backlog = waiting == 0 ? "" : $"; {waiting} failed attestation(s) wait for '{SigningKeyCheck.RetryCommand}'";
                return new CapabilityStatus { Name = "attestor", State = state, Message = $"{counts[AttestationStatus.Signed]} signed; {signer}{backlog}" };
            }
        }
    }

    /// <summary>After the state is open: release what a killed daemon left claimed, and note the signing mode.</summary>
    private sealed class AttestorStartup(AttestorService attestor, SigningModeWatch mode) : IHostedService
    {
        public Task StartAsync(CancellationToken cancellationToken)
        {
            attestor.RecoverInterrupted();
            mode.Observe(atStart: true);
            return Task.CompletedTask;
        }

        public Task StopAsync(CancellationToken cancellationToken) => Task.CompletedTask;
    }
}
