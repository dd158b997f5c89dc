namespace StellaOps.Ops.TestLogServer;

/// <summary>
/// Faults a test turns on, applied to every log and TSA request (not to the control endpoint). Counters count
/// down per request. Thread-safe: properties are read once per request.
/// </summary>
public sealed class LogFaults
{
    private int _failNext;
    private int _dropNext;
    private int _holdNext;
    private int _held;
    private TaskCompletionSource _release = new(TaskCreationOptions.RunContinuationsAsynchronously);

    /// <summary>Every request answers 503 (the log is down).</summary>
    public volatile bool Down;

    /// <summary>The status the next <see cref="FailNext"/> requests answer (500, 503, 429 …).</summary>
    public volatile int FailStatus = 503;

    /// <summary>Sent with failures as Retry-After, in seconds (0: none).</summary>
    public volatile int RetryAfterSeconds;

    /// <summary>Each request waits this long first (milliseconds).</summary>
    public volatile int DelayMilliseconds;

    /// <summary>Answers carry an inclusion proof with one hash altered.</summary>
    public volatile bool ForgeProof;

    /// <summary>Checkpoints and SETs are signed with another key than the published one.</summary>
    public volatile bool WrongKey;

    /// <summary>Submissions answer an entry for other content (another body, with its own valid proof).</summary>
    public volatile bool OtherContent;

    /// <summary>Submissions and reads are carried out (the entry is appended) but the connection drops before the answer.</summary>
    public volatile bool DropAnswers;

    public int FailNext { get => Volatile.Read(ref _failNext); set => Volatile.Write(ref _failNext, value); }

    /// <summary>The next N requests have their connection dropped with no answer.</summary>
    public int DropNext { get => Volatile.Read(ref _dropNext); set => Volatile.Write(ref _dropNext, value); }

    /// <summary>The next N requests wait, unanswered, until <see cref="ReleaseHeld"/> (or their client gives up).</summary>
    public int HoldNext { get => Volatile.Read(ref _holdNext); set => Volatile.Write(ref _holdNext, value); }

    /// <summary>Requests waiting now because of <see cref="HoldNext"/>.</summary>
    public int Held => Volatile.Read(ref _held);

    /// <summary>Lets every held request go on.</summary>
    public void ReleaseHeld() => Interlocked.Exchange(ref _release, new TaskCompletionSource(TaskCreationOptions.RunContinuationsAsynchronously)).TrySetResult();

    internal async Task HoldIfAskedAsync(CancellationToken aborted)
    {
        if (!TakeOne(ref _holdNext)) return;
        var release = Volatile.Read(ref _release).Task;
        Interlocked.Increment(ref _held);
        try { await release.WaitAsync(aborted); }
        finally { Interlocked.Decrement(ref _held); }
    }

    internal bool TakeFailure() => TakeOne(ref _failNext);

    internal bool TakeDrop() => TakeOne(ref _dropNext);

    public void Clear()
    {
        Down = false;
        FailNext = 0;
        DropNext = 0;
        HoldNext = 0;
        ReleaseHeld();
        FailStatus = 503;
        RetryAfterSeconds = 0;
        DelayMilliseconds = 0;
        ForgeProof = false;
        WrongKey = false;
        OtherContent = false;
        DropAnswers = false;
    }

    private static bool TakeOne(ref int counter)
    {
        while (true)
        {
            var n = Volatile.Read(ref counter);
            if (n <= 0) return false;
            if (Interlocked.CompareExchange(ref counter, n - 1, n) == n) return true;
        }
    }
}
