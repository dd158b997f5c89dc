using StellaOps.Ops.Daemon.TrustSync;

namespace StellaOps.Ops.Daemon.Tests;

/// <summary>The refresh timer's wait: the interval when all is well; after failures 30 s, doubling, never more than the interval.</summary>
public sealed class TrustRefreshBackoffTests
{
    [Theory]
    [InlineData(0, 3600)]
    [InlineData(1, 30)]
    [InlineData(2, 60)]
    [InlineData(3, 120)]
    [InlineData(7, 1920)]
    [InlineData(8, 3600)]
    [InlineData(500, 3600)]
    public void Backoff_doubles_from_30_seconds_up_to_the_interval(int failures, int seconds)
        => Assert.Equal(TimeSpan.FromSeconds(seconds), TrustRefreshService.Delay(TimeSpan.FromHours(1), failures));
}
