namespace StellaOps.Ops.Daemon.Tests;

/// <summary>A clock the test moves: months of key and attestor behaviour in milliseconds, no timed assertions.</summary>
internal sealed class ManualTime(DateTimeOffset start) : TimeProvider
{
    private DateTimeOffset _now = start;
    public override DateTimeOffset GetUtcNow() => _now;
    public void Advance(TimeSpan by) => _now += by;
}
