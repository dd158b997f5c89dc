using System.Collections.Concurrent;
using Net.Pkcs11Interop.HighLevelAPI;

namespace StellaOps.Ops.Hsm;

/// <summary>Everything that belongs to one successful connect (one module generation): slot, persistent session, pool, key handles.</summary>
internal sealed class ConnectedSessions
{
    public ConnectedSessions(HsmConnection owner, LoadedModule module, ISlot slot, ISession persistent, int poolSize, TokenSnapshot token)
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
