using System.Collections.Concurrent;
using Net.Pkcs11Interop.HighLevelAPI;
using StellaOps.Ops.Contracts;

namespace StellaOps.Ops.Hsm;

/// <summary>An operation session; used by one thread at a time (checked, not assumed).</summary>
internal sealed class PooledSession(ISession session, long id)
{
    private int _inUse;

    public ISession Session { get; } = session;
    public long Id { get; } = id;
    /// <summary>Set when the session must not be reused (handle invalid, call abandoned).</summary>
    public volatile bool Broken;

    public void Enter(ConnectionContext ctx)
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

    public void Exit(ConnectionContext ctx)
    {
        Interlocked.Decrement(ref ctx.Owner.PoolInUseNowField);
        Volatile.Write(ref _inUse, 0);
    }
}

internal sealed record CachedKey(IObjectHandle Handle, KeyAlgorithm Algorithm);

/// <summary>Everything that belongs to one successful connect (one module generation): slot, persistent session, pool, key handles.</summary>
internal sealed class ConnectionContext
{
    public ConnectionContext(HsmConnection owner, LoadedModule module, ISlot slot, ISession persistent, int poolSize, TokenSnapshot token)
    {
        Owner = owner;
        Module = module;
        Slot = slot;
        Persistent = persistent;
        PoolSize = poolSize;
        PoolPermits = new SemaphoreSlim(poolSize, poolSize);
        Token = token;
    }

    public HsmConnection Owner { get; }
    public LoadedModule Module { get; }
    public ISlot Slot { get; }
    public ISession Persistent { get; }
    public SemaphoreSlim PersistentGate { get; } = new(1, 1);
    public int PoolSize { get; }
    public SemaphoreSlim PoolPermits { get; }
    public ConcurrentBag<PooledSession> Idle { get; } = [];
    public ConcurrentDictionary<string, CachedKey> Keys { get; } = new(StringComparer.Ordinal);
    public int Opened;
    public int Closed;
    public volatile bool Dead;
    public volatile TokenSnapshot Token;

    public bool Usable => !Dead && !Module.Retired;
}

internal sealed record TokenSnapshot(string Label, string Serial, string Model, string Manufacturer, ulong Flags, ulong SlotId);
