using Microsoft.Extensions.Logging;
using StellaOps.Ops.Contracts.Rpc;
using StellaOps.Ops.Daemon.Observability;

namespace StellaOps.Ops.Daemon.Tests;

/// <summary>
/// The daemon's log events reach the event table on a background writer; a log query waits for what was logged
/// before it asked, so `stella crypto hsm logs` right after an outage shows the outage's own lines.
/// </summary>
public sealed class EventStoreLoggerProviderTests : IDisposable
{
    private readonly DaemonCore _core = new(new ManualTime(DateTimeOffset.UtcNow));

    public void Dispose() => _core.Dispose();

    [Fact]
    public async Task A_query_after_logging_answers_with_every_line_logged_before_it()
    {
        using var provider = new EventStoreLoggerProvider();
        var events = new EventStore(_core.State);
        provider.Attach(events);
        var rpc = new LogRpc(events, provider);
        var logger = provider.CreateLogger("StellaOps.Ops.Daemon.Hsm.HsmService");

        for (var i = 0; i < 500; i++) logger.LogError("HSM primary: sign failed (Connection {Round})", i);
        var answer = await rpc.QueryAsync(new LogQuery { MinLevel = StellaOps.Ops.Contracts.Rpc.LogLevel.Error }, CancellationToken.None);

        Assert.Equal(500, answer.Count(e => e.Message.StartsWith("HSM primary: sign failed", StringComparison.Ordinal)));
    }

    [Fact]
    public async Task A_flush_before_the_database_is_attached_returns_at_once_and_the_events_wait_for_it()
    {
        using var provider = new EventStoreLoggerProvider();
        provider.CreateLogger("StellaOps.Ops.Daemon.Hosting").LogWarning("before the database");
        await provider.FlushAsync(TimeSpan.FromMinutes(5), CancellationToken.None);

        var events = new EventStore(_core.State);
        provider.Attach(events);
        await provider.FlushAsync(TimeSpan.FromSeconds(30), CancellationToken.None);
        Assert.Contains(events.Query(new LogQuery()), e => e.Message == "before the database");
    }
}
