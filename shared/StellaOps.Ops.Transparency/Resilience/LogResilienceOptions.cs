namespace StellaOps.Ops.Transparency.Resilience;

/// <summary>
/// Retries and circuit breaking for one log backend. Retries: jittered exponential backoff from <see cref="RetryDelay"/>
/// on 408, 429, 5xx, timeouts and dropped connections, a Retry-After header (capped at <see cref="MaxRetryAfter"/>)
/// taking the backoff's place. Circuit: opens when at least <see cref="MinimumThroughput"/> attempts in
/// <see cref="SamplingDuration"/> failed at <see cref="FailureRatio"/> or more, for <see cref="BreakDuration"/>.
/// </summary>
public sealed record LogResilienceOptions
{
    public int MaxRetryAttempts { get; init; } = 3;
    public TimeSpan RetryDelay { get; init; } = TimeSpan.FromMilliseconds(250);
    public TimeSpan MaxRetryAfter { get; init; } = TimeSpan.FromSeconds(30);
    /// <summary>Per attempt. Rekor v2 answers only once a checkpoint covers the entry: at least 20 s for v2.</summary>
    public TimeSpan AttemptTimeout { get; init; } = TimeSpan.FromSeconds(30);
    public double FailureRatio { get; init; } = 0.5;
    public int MinimumThroughput { get; init; } = 4;
    public TimeSpan SamplingDuration { get; init; } = TimeSpan.FromSeconds(30);
    public TimeSpan BreakDuration { get; init; } = TimeSpan.FromSeconds(30);
}
