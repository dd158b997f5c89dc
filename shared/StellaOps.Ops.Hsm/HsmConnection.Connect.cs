using System.Diagnostics;
using Microsoft.Extensions.Logging;
using Net.Pkcs11Interop.Common;
using Net.Pkcs11Interop.HighLevelAPI;

namespace StellaOps.Ops.Hsm;

// Connect, reconnect and the background reconnect loop.
public sealed partial class HsmConnection
{
    // ---------------------------------------------------------------- connect / reconnect

    /// <summary>Loads the module if needed, finds the token, opens the persistent session and logs in.</summary>
    public Task ConnectAsync(CancellationToken cancellationToken = default) => ConnectCoreAsync(reload: false, cancellationToken);

    /// <summary>Drops sessions and connects again (no module reload unless the token is not found).</summary>
    public Task ReconnectAsync(CancellationToken cancellationToken = default) => ConnectCoreAsync(reload: false, cancellationToken, dropCurrent: true);

    /// <summary>Full module reload (C_Finalize, unload, load, C_Initialize) then connect.</summary>
    public Task ReloadLibraryAsync(CancellationToken cancellationToken = default) => ConnectCoreAsync(reload: true, cancellationToken, dropCurrent: true, forceReload: true);

    /// <param name="staleCtx">When set, reconnect only if that context is still the current one (another caller may have done it already).</param>
    private async Task ConnectCoreAsync(bool reload, CancellationToken cancellationToken, bool dropCurrent = false, ConnectedSessions? staleCtx = null, bool forceReload = false)
    {
        ObjectDisposedException.ThrowIf(_disposed, this);
        using var linked = CancellationTokenSource.CreateLinkedTokenSource(cancellationToken, _disposeCts.Token);
        var ct = linked.Token;
        if (!await _connectGate.WaitAsync(_options.CallTimeout * 6, ct).ConfigureAwait(false))
        {
            throw new HsmException(HsmErrorKind.Timeout, $"HSM '{Name}': another connect is still in progress.", null, Name);
        }

        try
        {
            ConnectedSessions? old;
            lock (_stateLock)
            {
                old = _ctx;
                if (!dropCurrent && !reload && old is { Usable: true })
                {
                    return;
                }

                if (staleCtx is not null && !ReferenceEquals(old, staleCtx) && old is { Usable: true })
                {
                    return;
                }
            }

            ThrowIfPinLatched(checkSource: true);
            if (old is not null)
            {
                // Mark dead now; close its sessions only after the new persistent session is open, so the token
                // never runs out of sessions (which would log it out) in between.
                Abandon(old, close: false);
            }

            LoadedModule module;
            bool loadedHere;
            if (reload)
            {
                // If another connection on the same module reloaded since our last attempt, reuse its instance.
                long observed = forceReload || Interlocked.Read(ref _lastTriedGeneration) < 0
                    ? Library.Current?.Generation ?? -1
                    : Interlocked.Read(ref _lastTriedGeneration);
                module = await Library.ReloadAsync(observed, _options.CallTimeout, Name, ct).ConfigureAwait(false);
                loadedHere = true;
            }
            else
            {
                long before = Library.LoadCount;
                module = await Library.EnsureLoadedAsync(_options.CallTimeout, Name, ct).ConfigureAwait(false);
                loadedHere = Library.LoadCount != before;
            }

            ConnectedSessions ctx;
            try
            {
                Interlocked.Exchange(ref _lastTriedGeneration, module.Generation);
                ctx = await OpenContextAsync(module, ct).ConfigureAwait(false);
            }
            catch (HsmException e) when (e.IsConnectionClass && !loadedHere)
            {
                // Stale module state (dead p11-kit connection, token added after C_Initialize, renumbered slots): reload once.
                _log.LogInformation("HSM {Name}: {Error}; reloading the module once.", Name, e.Message);
                module = await Library.ReloadAsync(module.Generation, _options.CallTimeout, Name, ct).ConfigureAwait(false);
                Interlocked.Exchange(ref _lastTriedGeneration, module.Generation);
                ctx = await OpenContextAsync(module, ct).ConfigureAwait(false);
            }

            try
            {
                await LoginAsync(ctx, ct).ConfigureAwait(false);
            }
            catch
            {
                Abandon(ctx, close: true);
                if (old is not null)
                {
                    Abandon(old, close: true);
                }

                throw;
            }

            if (old is not null)
            {
                Abandon(old, close: true);
            }

            lock (_stateLock)
            {
                _ctx = ctx;
                _lastToken = ctx.Token;
                _lastModule = module;
            }

            // An inline recovery (sessions reopened while up) keeps Degraded for the window; recovery from Down is Connected.
            bool recentErrors;
            lock (_stateLock)
            {
                recentErrors = _state != HsmConnectionState.Down && _lastErrorAt is { } at && _time.GetUtcNow() - at < _options.DegradedWindow;
            }

            SetState(recentErrors ? HsmConnectionState.Degraded : HsmConnectionState.Connected, $"connected to token '{ctx.Token.Label}' (serial {ctx.Token.Serial}, slot {ctx.Token.SlotId}, module generation {module.Generation})");
        }
        catch (HsmException e)
        {
            NoteError(e);
            MarkDown(null, e.Message);
            throw;
        }
        finally
        {
            _connectGate.Release();
        }
    }

    private async Task<ConnectedSessions> OpenContextAsync(LoadedModule module, CancellationToken ct)
    {
        var (slot, session, token) = await CallAsync(module, "find token/C_OpenSession", () =>
        {
            var slots = module.Library.GetSlotList(SlotsType.WithTokenPresent);
            foreach (var s in slots)
            {
                ITokenInfo info;
                try
                {
                    info = s.GetTokenInfo();
                }
                catch (Pkcs11Exception e) when (e.RV is CKR.CKR_TOKEN_NOT_PRESENT or CKR.CKR_TOKEN_NOT_RECOGNIZED)
                {
                    continue;
                }

                if (!Matches(info))
                {
                    continue;
                }

                var persistent = s.OpenSession(SessionType.ReadWrite);
                return (s, persistent, Snapshot(info, s.SlotId));
            }

            throw new HsmException(HsmErrorKind.Connection,
                $"HSM '{Name}': no token {TokenDescription()} among {slots.Count} slot(s) with a token. {Pkcs11ErrorClassifier.Advice(HsmErrorKind.Connection)}",
                "CKR_TOKEN_NOT_PRESENT", Name);
        }, _options.CallTimeout, ct).ConfigureAwait(false);

        return new ConnectedSessions(this, module, slot, session, _options.PoolSize, token);
    }

    private bool Matches(ITokenInfo info)
    {
        if (!string.IsNullOrWhiteSpace(_options.TokenSerial) && info.SerialNumber.Trim() != _options.TokenSerial.Trim())
        {
            return false;
        }

        return string.IsNullOrWhiteSpace(_options.TokenLabel) || info.Label.Trim() == _options.TokenLabel.Trim();
    }

    private string TokenDescription() =>
        string.Join(" ", new[] { _options.TokenLabel is { Length: > 0 } l ? $"label '{l}'" : null, _options.TokenSerial is { Length: > 0 } s ? $"serial '{s}'" : null }.Where(x => x is not null));

    private static TokenSnapshot Snapshot(ITokenInfo info, ulong slotId) =>
        new(info.Label.Trim(), info.SerialNumber.Trim(), info.Model.Trim(), info.ManufacturerId.Trim(), info.TokenFlags.Flags, slotId);

    private void Abandon(ConnectedSessions ctx, bool close)
    {
        ctx.Dead = true;
        if (close && Interlocked.Exchange(ref ctx.Closed, 1) == 1)
        {
            return;
        }

        if (!close || ctx.Module.Retired)
        {
            return;
        }

        // Best effort, bounded, and in the background: a hung HSM must not block the caller.
        var sessions = ctx.Idle.ToArray();
        _ = CallAsync(ctx.Module, "C_CloseSession", () =>
        {
            foreach (var p in sessions)
            {
                try { p.Session.CloseSession(); } catch (Pkcs11Exception) { }
            }

            try { ctx.Persistent.CloseSession(); } catch (Pkcs11Exception) { }
            return true;
        }, _options.CallTimeout, CancellationToken.None).ContinueWith(static t => _ = t.Exception, TaskScheduler.Default);
    }

    private void MarkDown(ConnectedSessions? ctx, string reason)
    {
        bool startLoop;
        lock (_stateLock)
        {
            if (ctx is not null && !ReferenceEquals(ctx, _ctx))
            {
                ctx.Dead = true;
                return; // an older context; the current one is fine or already handled
            }

            if (_ctx is not null)
            {
                _ctx.Dead = true;
                _ctx = null;
            }

            startLoop = _options.AutoReconnect && !_disposed && (_reconnectLoop is null || _reconnectLoop.IsCompleted);
            if (startLoop)
            {
                _reconnectLoop = Task.Run(() => ReconnectLoopAsync(_disposeCts.Token));
            }
        }

        SetState(HsmConnectionState.Down, reason);
    }

    private async Task ReconnectLoopAsync(CancellationToken ct)
    {
        var delay = _options.ReconnectInitialDelay;
        while (!ct.IsCancellationRequested)
        {
            try
            {
                await Task.Delay(delay, _time, ct).ConfigureAwait(false);
            }
            catch (OperationCanceledException)
            {
                return;
            }

            lock (_stateLock)
            {
                if (_state != HsmConnectionState.Down || _disposed)
                {
                    return;
                }
            }

            try
            {
                ThrowIfPinLatched(checkSource: true);
                await ConnectCoreAsync(reload: true, ct).ConfigureAwait(false);
                _log.LogInformation("HSM {Name}: reconnected in the background.", Name);
                return;
            }
            catch (OperationCanceledException) when (ct.IsCancellationRequested)
            {
                return;
            }
            catch (HsmException e)
            {
                _log.LogDebug("HSM {Name}: background reconnect failed ({Kind}): {Message}", Name, e.Kind, e.Message);
            }
            catch (Exception e)
            {
                _log.LogWarning(e, "HSM {Name}: background reconnect failed unexpectedly.", Name);
            }

            delay = TimeSpan.FromTicks(Math.Min(delay.Ticks * 2, _options.ReconnectMaxDelay.Ticks));
        }
    }

    /// <summary>Completes when the connection is not Down (or the timeout passes); for callers that want to wait for the background reconnect.</summary>
    public async Task<bool> WaitUntilUpAsync(TimeSpan timeout, CancellationToken cancellationToken = default)
    {
        var sw = Stopwatch.StartNew();
        while (State == HsmConnectionState.Down)
        {
            if (sw.Elapsed > timeout)
            {
                return false;
            }

            await Task.Delay(20, cancellationToken).ConfigureAwait(false);
        }

        return true;
    }
}
