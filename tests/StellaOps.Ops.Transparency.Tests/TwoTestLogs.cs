using Server = StellaOps.Ops.TestLogServer.TestLogServer;

namespace StellaOps.Ops.Transparency.Tests;

/// <summary>A v1 and a v2 spec-faithful test log on loopback for each test, and one HTTP client to reach them.</summary>
public abstract class TwoTestLogs : IAsyncLifetime
{
    protected HttpClient Http { get; } = new() { Timeout = Timeout.InfiniteTimeSpan };
    protected Server V1 { get; private set; } = null!;
    protected Server V2 { get; private set; } = null!;

    public async Task InitializeAsync()
    {
        V1 = await Server.StartAsync(1);
        V2 = await Server.StartAsync(2);
    }

    public async Task DisposeAsync()
    {
        await V1.DisposeAsync();
        await V2.DisposeAsync();
        Http.Dispose();
    }
}
