using Microsoft.Extensions.Hosting;
using Microsoft.Extensions.Logging;
using StellaOps.Ops.Contracts;
using StellaOps.Ops.Daemon.Hsm;

namespace StellaOps.Ops.Daemon.Keys;

/// <summary>
/// Settles HSM key generations that a crash interrupted, and finds key pairs of this daemon that have no record.
/// <para>
/// An interrupted generation (an intent row left by an earlier process) is rolled back: the caller never got an
/// answer, so its key pair is destroyed on every token that has it and the intent dropped; if the key's record did
/// get committed, only the intent is dropped. Nothing of such a key was ever used: no signature, no publication.
/// </para>
/// <para>
/// A key pair with this daemon's id prefix (<see cref="HsmKeyIds"/>) but neither a record nor an intent is only
/// reported (log at start, doctor check <see cref="HsmKeyOrphanHealthCheck"/>), never destroyed: it can be the key of
/// a record lost to a restore of an older database, whose signatures still need it, and destroying a private key
/// cannot be undone. The operator decides.
/// </para>
/// Runs in the background from start until every token could be read once (the HSM may still be connecting).
/// </summary>
public sealed class HsmKeyReconciler(KeyStore store, IHsmKeyOperations hsm, ILogger<HsmKeyReconciler> logger) : BackgroundService
{
    private static readonly TimeSpan MaxRetryDelay = TimeSpan.FromSeconds(30);
    private readonly object _lock = new();
    private List<HsmKeyIntent> _interrupted = [];
    private readonly HashSet<string> _reported = new(StringComparer.Ordinal);

    /// <summary>Interrupted generations from earlier processes not settled yet (the HSM did not answer).</summary>
    public IReadOnlyList<HsmKeyIntent> Unsettled { get { lock (_lock) return [.. _interrupted]; } }

    /// <summary>True once every interrupted generation is settled and every token was read at least once.</summary>
    public bool Settled { get; private set; }

    public override Task StartAsync(CancellationToken cancellationToken)
    {
        // Before the endpoint opens: every intent present now belongs to an earlier process.
        lock (_lock) _interrupted = [.. store.Intents()];
        return base.StartAsync(cancellationToken);
    }

    protected override async Task ExecuteAsync(CancellationToken stoppingToken)
    {
        if (!hsm.IsConfigured)
        {
            if (Unsettled.Count > 0)
                logger.LogWarning("{Count} HSM key generation(s) were interrupted by a crash, but no HSM is configured now to check them: {Ids}. Configure the HSM again; the daemon then settles them at start.",
                    Unsettled.Count, string.Join(", ", Unsettled.Select(i => i.CkaIdHex)));
            return;
        }

        var delay = TimeSpan.FromSeconds(1);
        while (!stoppingToken.IsCancellationRequested)
        {
            try
            {
                if (await ReconcileAsync(stoppingToken).ConfigureAwait(false)) return;
            }
            catch (OpsException e)
            {
                logger.LogDebug("HSM key check postponed: {Message}", e.Message);
            }
            catch (Exception e) when (e is not (OperationCanceledException or OutOfMemoryException))
            {
                // A background failure must not stop the host: try again later, and say so.
                logger.LogWarning("HSM key check failed, trying again in {Delay}: {Kind}: {Message}", delay, e.GetType().Name, e.Message);
            }

            await Task.Delay(delay, stoppingToken).ConfigureAwait(false);
            delay = delay * 2 < MaxRetryDelay ? delay * 2 : MaxRetryDelay;
        }
    }

    /// <summary>One pass; true when everything is settled and every token was read.</summary>
    internal async Task<bool> ReconcileAsync(CancellationToken cancellationToken)
    {
        var tokens = await hsm.ListKeysAsync(cancellationToken).ConfigureAwait(false);
        var allRead = tokens.All(t => t.Keys is not null);
        var recorded = RecordedIds();
        foreach (var intent in Unsettled)
        {
            var holders = tokens.Where(t => t.Keys?.Any(k => k.Id.AsSpan().SequenceEqual(intent.CkaId)) == true).Select(t => t.Member).ToList();
            if (recorded.Contains(intent.CkaIdHex))
            {
                logger.LogInformation("HSM key generation {CkaId} ({Name}) was interrupted after its record was written; the key is kept.", intent.CkaIdHex, intent.Name);
            }
            else if (holders.Count > 0)
            {
                if (!allRead) continue; // a token that cannot be read may hold a copy too: destroy everywhere at once, later
                await hsm.DestroyKeyAsync(intent.CkaId, cancellationToken).ConfigureAwait(false);
                logger.LogWarning("HSM key generation {CkaId} ({Name}, {Algorithm}, requested by {Actor} at {At:u}) was interrupted before its record was written: the key pair it left on {Tokens} was destroyed; the caller never got this key. Generate again if it is still needed.",
                    intent.CkaIdHex, intent.Name, intent.Algorithm.ToName(), intent.RequestedBy, intent.RequestedAt, string.Join(", ", holders));
            }
            else if (allRead)
            {
                logger.LogInformation("HSM key generation {CkaId} ({Name}) was interrupted before the token made the key pair; nothing to clean up.", intent.CkaIdHex, intent.Name);
            }
            else
            {
                continue;
            }

            store.CompleteIntent(intent.CkaId);
            lock (_lock) _interrupted.RemoveAll(i => i.CkaIdHex == intent.CkaIdHex);
        }

        foreach (var orphan in Orphans(tokens, recorded))
        {
            lock (_lock)
                if (!_reported.Add(orphan.Member + "/" + orphan.Key.IdHex)) continue;
            logger.LogWarning("HSM {Member}: key pair {CkaId} (label '{Label}') has this daemon's key id prefix but no key record. It was kept; see 'stella doctor' (check {Check}) for what to do.",
                orphan.Member, orphan.Key.IdHex, orphan.Key.Label, HsmKeyOrphanHealthCheck.CheckId);
        }

        Settled = allRead && Unsettled.Count == 0;
        return Settled;
    }

    /// <summary>Key pairs with this daemon's id prefix that have neither a key record nor a generation in progress or pending.</summary>
    public IReadOnlyList<(string Member, Ops.Hsm.HsmKeyInfo Key)> Orphans(IReadOnlyList<HsmTokenKeys> tokens, ISet<string>? recorded = null)
    {
        recorded ??= RecordedIds();
        var intents = store.Intents().Select(i => i.CkaIdHex).ToHashSet(StringComparer.Ordinal);
        return [.. tokens.SelectMany(t => (t.Keys ?? []).Select(k => (t.Member, Key: k)))
            .Where(x => HsmKeyIds.IsOurs(x.Key.Id) && !recorded.Contains(x.Key.IdHex) && !intents.Contains(x.Key.IdHex))];
    }

    private HashSet<string> RecordedIds() =>
        store.All().Where(k => k.HsmCkaId is not null).Select(k => Convert.ToHexString(k.HsmCkaId!)).ToHashSet(StringComparer.Ordinal);
}
