using System.Diagnostics;
using Microsoft.Extensions.Logging;
using StellaOps.Ops.Contracts;
using StellaOps.Ops.Contracts.Rpc;
using StellaOps.Ops.Daemon.Hosting;
using StellaOps.Ops.Daemon.Ipc;
using StellaOps.Ops.Daemon.Observability;
using StellaOps.Ops.Daemon.Settings;
using StellaOps.Ops.Daemon.Storage;

namespace StellaOps.Ops.Daemon.SystemInfo;

public sealed class SystemRpc(
    DaemonPaths paths,
    StateStore store,
    IpcServer server,
    SettingsService settings,
    IEnumerable<ICapabilityStatus> capabilities,
    IEnumerable<IReloadable> reloadables,
    MetricsRegistry metrics,
    ILogger<SystemRpc> logger) : ISystemRpc
{
    public static readonly DateTimeOffset StartedAt = DateTimeOffset.UtcNow;
    public static string DaemonVersion { get; } = typeof(SystemRpc).Assembly.GetName().Version?.ToString(3) ?? "0.0.0";

    public Task<HandshakeResponse> HandshakeAsync(HandshakeRequest request, CancellationToken cancellationToken)
    {
        if (request.ProtocolVersion != Protocol.Version)
            throw new OpsException(OpsErrorCode.ProtocolMismatch,
                $"The client '{request.ClientName}' {request.ClientVersion} speaks protocol {request.ProtocolVersion}; this daemon ({DaemonVersion}) speaks protocol {Protocol.Version}.",
                request.ClientName, "Install the StellaOps module and daemon from the same release.");
        return Task.FromResult(new HandshakeResponse
        {
            ProtocolVersion = Protocol.Version,
            DaemonVersion = DaemonVersion,
            Caller = CallerContext.Current ?? new CallerIdentity(),
            Endpoint = paths.Endpoint,
        });
    }

    public Task<DaemonStatus> GetStatusAsync(CancellationToken cancellationToken) => Task.FromResult(new DaemonStatus
    {
        Version = DaemonVersion,
        ProtocolVersion = Protocol.Version,
        StartedAt = StartedAt,
        Uptime = DateTimeOffset.UtcNow - StartedAt,
        Endpoint = paths.Endpoint,
        StateDirectory = paths.StateDirectory,
        ProcessId = Environment.ProcessId,
        Caller = CallerContext.Current ?? new CallerIdentity(),
        SchemaVersion = store.SchemaVersion,
        Connections = server.ConnectionCount,
        Capabilities = [.. capabilities.Select(c => c.Current)],
    });

    public async Task<ReloadResult> ReloadAsync(CancellationToken cancellationToken)
    {
        var changed = settings.Reload();
        // Every capability gets its turn: a down HSM must not keep the runbook's "switch to software signing, then
        // reload" from applying. What a capability could not apply is logged and returned, not thrown.
        var warnings = new List<string>();
        foreach (var r in reloadables)
        {
            try { await r.ReloadAsync(cancellationToken).ConfigureAwait(false); }
            catch (OpsException ex)
            {
                logger.LogWarning("Reload: {Capability} could not apply its settings: {Reason}", r.GetType().Name, ex.Message);
                warnings.Add(ex.RecommendedAction is { Length: > 0 } a ? $"{ex.Message} {a}" : ex.Message);
            }
        }
        logger.LogInformation("Reloaded by {Caller}; changed: {Changed}", CallerContext.Current, changed.Count == 0 ? "nothing" : string.Join(", ", changed));
        return new ReloadResult { Changed = changed, ReloadedAt = DateTimeOffset.UtcNow, Warnings = warnings };
    }

    public async Task<int> WaitAsync(Duration duration, IProgress<OperationProgress>? progress, CancellationToken cancellationToken)
    {
        var sw = Stopwatch.StartNew();
        var total = duration.Value;
        var ticks = 0;
        while (sw.Elapsed < total)
        {
            var pct = total <= TimeSpan.Zero ? 100 : (int)(100 * sw.Elapsed.Ticks / total.Ticks);
            progress?.Report(new OperationProgress { Activity = "Waiting", Status = $"{sw.Elapsed.TotalSeconds:0.0}s of {duration}", PercentComplete = pct });
            await Task.Delay(TimeSpan.FromMilliseconds(Math.Min(100, Math.Max(1, (total - sw.Elapsed).TotalMilliseconds))), cancellationToken).ConfigureAwait(false);
            ticks++;
        }
        return ticks;
    }

    public Task<MetricSample[]> GetMetricsAsync(string? name, CancellationToken cancellationToken)
        => Task.FromResult(metrics.Snapshot(name).ToArray());
}
