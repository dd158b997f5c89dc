using System.Management.Automation.Runspaces;
using System.Runtime.CompilerServices;
using StellaOps.Ops.Contracts;
using StellaOps.Ops.Contracts.Client;

namespace StellaOps.Ops.PowerShell;

/// <summary>
/// One daemon connection per runspace and endpoint, kept for the session: a connect costs far more than a call
/// (~50 µs). Closed with the runspace, by Disconnect-StellaDaemon, or when the module is removed.
/// </summary>
internal static class ConnectionCache
{
    public static readonly TimeSpan ConnectTimeout = TimeSpan.FromSeconds(10);

    private sealed class Slot
    {
        public readonly Dictionary<string, OpsClient> Clients = new(StringComparer.Ordinal);
    }

    private static readonly ConditionalWeakTable<object, Slot> Slots = new();
    private static readonly object NoRunspace = new();

    private static string ClientVersion { get; } = typeof(ConnectionCache).Assembly.GetName().Version?.ToString(3) ?? "0.0.0";

    private static Slot Current(out object key)
    {
        var runspace = Runspace.DefaultRunspace;
        key = runspace ?? NoRunspace;
        return Slots.GetValue(key, k =>
        {
            var slot = new Slot();
            if (k is Runspace rs)
            {
                rs.StateChanged += (_, e) =>
                {
                    if (e.RunspaceStateInfo.State is RunspaceState.Closed or RunspaceState.Broken) Clear(slot);
                };
            }
            return slot;
        });
    }

    /// <summary>The cached client for the endpoint, or a new one; <c>Reused</c> says whether it came from the cache.</summary>
    public static async Task<(OpsClient Client, bool Reused)> GetWithOriginAsync(string? endpoint, CancellationToken cancellationToken)
    {
        var resolved = Protocol.ResolveClientEndpoint(endpoint);
        var slot = Current(out _);
        lock (slot.Clients)
        {
            if (slot.Clients.TryGetValue(resolved, out var cached))
            {
                if (cached.IsConnected) return (cached, true);
                slot.Clients.Remove(resolved);
                cached.Dispose();
            }
        }
        var client = await OpsClient.ConnectAsync(resolved, "StellaOps.PowerShell", ClientVersion, ConnectTimeout, cancellationToken).ConfigureAwait(false);
        lock (slot.Clients)
        {
            if (slot.Clients.TryGetValue(resolved, out var raced) && raced.IsConnected)
            {
                client.Dispose();
                return (raced, true);
            }
            slot.Clients[resolved] = client;
        }
        return (client, false);
    }

    /// <summary>The cached client for the endpoint if there is a live one (no connect).</summary>
    public static OpsClient? Peek(string? endpoint)
    {
        var resolved = Protocol.ResolveClientEndpoint(endpoint);
        var slot = Current(out _);
        lock (slot.Clients) return slot.Clients.TryGetValue(resolved, out var c) && c.IsConnected ? c : null;
    }

    public static void Drop(OpsClient client)
    {
        var slot = Current(out _);
        lock (slot.Clients)
        {
            if (slot.Clients.TryGetValue(client.Endpoint, out var c) && ReferenceEquals(c, client)) slot.Clients.Remove(client.Endpoint);
        }
        client.Dispose();
    }

    /// <summary>Closes this runspace's connection to the endpoint, or all of them when <paramref name="endpoint"/> is null.</summary>
    public static int Close(string? endpoint, bool all)
    {
        var slot = Current(out _);
        List<OpsClient> closing;
        lock (slot.Clients)
        {
            if (all)
            {
                closing = [.. slot.Clients.Values];
                slot.Clients.Clear();
            }
            else
            {
                var resolved = Protocol.ResolveClientEndpoint(endpoint);
                closing = slot.Clients.Remove(resolved, out var c) ? [c] : [];
            }
        }
        foreach (var c in closing) c.Dispose();
        return closing.Count;
    }

    /// <summary>Every connection of every runspace (module removal).</summary>
    public static void CloseEverything()
    {
        foreach (var (_, slot) in Slots) Clear(slot);
    }

    private static void Clear(Slot slot)
    {
        List<OpsClient> closing;
        lock (slot.Clients)
        {
            closing = [.. slot.Clients.Values];
            slot.Clients.Clear();
        }
        foreach (var c in closing) c.Dispose();
    }
}
