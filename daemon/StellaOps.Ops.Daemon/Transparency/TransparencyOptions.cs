namespace StellaOps.Ops.Daemon.Transparency;

/// <summary>
/// Configuration section "Transparency" (opsd.json, STELLAOPS_Transparency__…, --Transparency:…=…): how hard the
/// drain pushes and when a backend's circuit breaker opens. The logs themselves come from the signing config.
/// </summary>
public sealed class TransparencyOptions
{
    public const string Section = "Transparency";

    /// <summary>Retries per submission (jittered exponential backoff from <see cref="RetryDelayMilliseconds"/>, Retry-After honoured).</summary>
    public int RetryAttempts { get; set; } = 3;
    public int RetryDelayMilliseconds { get; set; } = 250;
    /// <summary>Per attempt; Rekor v2 answers only once a checkpoint covers the entry, so never under 20 s.</summary>
    public int AttemptTimeoutSeconds { get; set; } = 30;
    /// <summary>The breaker opens when at least this many attempts in 30 s failed at half or more.</summary>
    public int BreakerMinimumThroughput { get; set; } = 4;
    public int BreakSeconds { get; set; } = 30;
    /// <summary>
    /// Submissions in flight at once. A Rekor v2 log answers each submission only at its next checkpoint, so a drain
    /// logs about this many entries per checkpoint interval; a v1 log answers at once and the bound only caps the load.
    /// </summary>
    public int Parallelism { get; set; } = 64;
    /// <summary>Outbox rows taken at most and not yet stored (submitting, or waiting for one of the <see cref="Parallelism"/> slots); each outcome is stored as it completes, with what completed meanwhile.</summary>
    public int BatchSize { get; set; } = 512;
    /// <summary>How often the drain looks at the outbox when nothing wakes it.</summary>
    public int PollMilliseconds { get; set; } = 1000;
}
