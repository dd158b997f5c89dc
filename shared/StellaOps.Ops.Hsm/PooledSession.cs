using Net.Pkcs11Interop.HighLevelAPI;

namespace StellaOps.Ops.Hsm;

/// <summary>An operation session; used by one thread at a time (checked, not assumed).</summary>
internal sealed class PooledSession(ISession session, long id)
{
    private int _inUse;

    public ISession Session { get; } = session;
    public long Id { get; } = id;
    /// <summary>Set when the session must not be reused (handle invalid, call abandoned).</summary>
    public volatile bool Broken;

    public void Enter(ConnectedSessions ctx)
    {
        if (Interlocked.CompareExchange(ref _inUse, 1, 0) != 0)
        {
            Interlocked.Increment(ref ctx.Owner.ConcurrencyViolationsField);
            throw new InvalidOperationException($"Session {Id} is already in use by another thread (pool invariant broken).");
        }

        int now = Interlocked.Increment(ref ctx.Owner.PoolInUseNowField);
        long max;
        while (now > (max = Interlocked.Read(ref ctx.Owner.MaxConcurrentPoolSessionsField)) &&
               Interlocked.CompareExchange(ref ctx.Owner.MaxConcurrentPoolSessionsField, now, max) != max)
        {
        }
    }

    public void Exit(ConnectedSessions ctx)
    {
        Interlocked.Decrement(ref ctx.Owner.PoolInUseNowField);
        Volatile.Write(ref _inUse, 0);
    }
}
