namespace StellaOps.Ops.TestSupport.Tuf;

/// <summary>A clock the test sets: freeze attacks, expiry, a clock that goes backwards.</summary>
public sealed class ManualClock(DateTimeOffset now) : TimeProvider
{
    public DateTimeOffset Now { get; set; } = now;

    public override DateTimeOffset GetUtcNow() => Now;

    public void Advance(TimeSpan by) => Now += by;
}
