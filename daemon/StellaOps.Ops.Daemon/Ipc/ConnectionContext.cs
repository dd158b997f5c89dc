using StellaOps.Ops.Contracts;

namespace StellaOps.Ops.Daemon.Ipc;

/// <summary>One client connection: who it is, and the token that cancels its requests when it closes or the daemon stops.</summary>
public sealed class ConnectionContext(long id, CallerIdentity caller) : IDisposable
{
    private readonly CancellationTokenSource _closing = new();

    public long Id { get; } = id;
    public CallerIdentity Caller { get; } = caller;
    public CancellationToken Closing => _closing.Token;
    public DateTimeOffset ConnectedAt { get; } = DateTimeOffset.UtcNow;

    public void Close()
    {
        try { _closing.Cancel(); }
        catch (ObjectDisposedException) { }
    }

    public void Dispose() => _closing.Dispose();
}
