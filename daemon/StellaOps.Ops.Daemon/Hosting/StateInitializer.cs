using Microsoft.Extensions.Hosting;
using StellaOps.Ops.Daemon.Observability;
using StellaOps.Ops.Daemon.Settings;
using StellaOps.Ops.Daemon.Storage;

namespace StellaOps.Ops.Daemon.Hosting;

/// <summary>
/// Opens and migrates the database and loads the runtime settings before anything else starts, so no client is
/// ever served by a daemon whose state is not ready. Refuses to start on state someone else could control, or on a
/// full disk, with what to do. Closes the database last at shutdown.
/// </summary>
public sealed class StateInitializer(DaemonPaths paths, StatePermissions permissions, StateStore store, SettingsService settings, EventStore events, EventStoreLoggerProvider eventLog) : IHostedService
{
    public Task StartAsync(CancellationToken cancellationToken)
    {
        permissions.Demand();
        if (StorageSpace.FreeBytes(paths.StateDirectory) < StorageSpace.MinimumFreeBytes)
            throw StorageSpace.Full(paths.StateDirectory, "stella-opsd cannot record evidence, audit or settings there and does not start.");
        store.Initialize();
        eventLog.Attach(events);
        settings.Load();
        return Task.CompletedTask;
    }

    public Task StopAsync(CancellationToken cancellationToken)
    {
        // Hosted services stop in reverse order: by now the endpoint is closed and requests are done.
        eventLog.Dispose();
        store.Checkpoint();
        return Task.CompletedTask;
    }
}
