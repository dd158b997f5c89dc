using StellaOps.Ops.Contracts;
using StellaOps.Ops.Daemon.Ipc;

namespace StellaOps.Ops.Daemon.Tests;

/// <summary>
/// The requests of one connection run in parallel (IpcServer), so one connection may have only so many in flight:
/// over the limit a request is not counted in (the proxy refuses it), and an answered one makes room again.
/// </summary>
public sealed class ConnectionInFlightLimitTests
{
    [Fact]
    public void A_connection_takes_requests_up_to_the_limit_and_room_comes_back_as_they_end()
    {
        using var connection = new ConnectionContext(1, new CallerIdentity { UserId = 1000, UserName = "tester" });
        for (var i = 0; i < ConnectionContext.MaxRequestsInFlight; i++) Assert.True(connection.TryBeginRequest());
        Assert.False(connection.TryBeginRequest());
        Assert.Equal(ConnectionContext.MaxRequestsInFlight, connection.RequestsInFlight);
        connection.EndRequest();
        Assert.True(connection.TryBeginRequest());
        Assert.False(connection.TryBeginRequest());
    }

    [Fact]
    public void Requests_from_many_threads_never_count_past_the_limit()
    {
        using var connection = new ConnectionContext(2, new CallerIdentity { UserId = 1000, UserName = "tester" });
        var taken = 0;
        Parallel.For(0, 10 * ConnectionContext.MaxRequestsInFlight, _ => { if (connection.TryBeginRequest()) Interlocked.Increment(ref taken); });
        Assert.Equal(ConnectionContext.MaxRequestsInFlight, taken);
        Assert.Equal(ConnectionContext.MaxRequestsInFlight, connection.RequestsInFlight);
    }
}
