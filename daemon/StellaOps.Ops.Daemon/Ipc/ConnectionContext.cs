using StellaOps.Ops.Contracts;

namespace StellaOps.Ops.Daemon.Ipc;

/// <summary>
/// One client connection: who it is, the token that cancels its requests when it closes or the daemon stops, the
/// requests it has in flight (a connection waiting on its answer is not idle), and, for a connection that is not
/// served, the refusal its first request is answered with.
/// </summary>
public sealed class ConnectionContext(long id, CallerIdentity caller) : IDisposable
{
    private readonly CancellationTokenSource _closing = new();
    private int _inFlight;

    public long Id { get; } = id;
    public CallerIdentity Caller { get; } = caller;
    public CancellationToken Closing => _closing.Token;
    public DateTimeOffset ConnectedAt { get; } = DateTimeOffset.UtcNow;

    /// <summary>Set for a connection that is answered once with this error and closed (a stranger, a caller over a limit).</summary>
    public OpsException? Refusal { get; init; }

    public int RequestsInFlight => Volatile.Read(ref _inFlight);

    /// <summary>
    /// Requests one connection may have in flight at once: its requests run in parallel, so this is what one client
    /// can ask of the daemon's threads and memory at a time. The module keeps at most 8 in flight.
    /// </summary>
    public const int MaxRequestsInFlight = 32;

    /// <summary>Counts a request in, unless the connection already has <see cref="MaxRequestsInFlight"/>; then false, nothing counted.</summary>
    public bool TryBeginRequest()
    {
        if (Interlocked.Increment(ref _inFlight) <= MaxRequestsInFlight) return true;
        Interlocked.Decrement(ref _inFlight);
        return false;
    }

    public void EndRequest() => Interlocked.Decrement(ref _inFlight);

    public void Close()
    {
        try { _closing.Cancel(); }
        catch (ObjectDisposedException) { }
    }

    /// <summary>Closes after a moment, so that the answer being sent (a refusal) still reaches the client.</summary>
    public void CloseSoon() => _ = Task.Delay(TimeSpan.FromMilliseconds(200)).ContinueWith(_ => Close(), TaskScheduler.Default);

    public void Dispose() => _closing.Dispose();
}
