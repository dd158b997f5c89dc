using Microsoft.Extensions.Logging;
using Net.Pkcs11Interop.Common;
using Net.Pkcs11Interop.HighLevelAPI;

namespace StellaOps.Ops.Hsm;

// Call plumbing and the session pool. ExecuteAsync is the one withSession-style runner for pool sessions (retry on a
// new session, log in again, back off); HandleFailure holds the error policy's side effects for it and for the persistent session.
public sealed partial class HsmConnection
{
    // ---------------------------------------------------------------- call plumbing

    /// <summary>Runs native code against a module instance on a worker under a deadline; maps Pkcs11Exception.</summary>
    private async Task<T> CallAsync<T>(LoadedModule module, string operation, Func<T> call, TimeSpan deadline, CancellationToken ct, Action? onDone = null)
    {
        try
        {
            return await NativeCallRunner.RunAsync(() =>
            {
                try
                {
                    module.Enter(Name);
                    try
                    {
                        return call();
                    }
                    finally
                    {
                        module.Exit();
                    }
                }
                finally
                {
                    onDone?.Invoke();
                }
            }, deadline, operation, Name, ct).ConfigureAwait(false);
        }
        catch (Pkcs11Exception e)
        {
            throw Pkcs11ErrorClassifier.FromPkcs11(e, operation, Name);
        }
    }

    private async Task<T> RunPersistentAsync<T>(ConnectedSessions ctx, string operation, Func<ISession, T> body, CancellationToken ct, bool classify = true, TimeSpan? deadline = null)
    {
        if (!await ctx.PersistentGate.WaitAsync(_options.CallTimeout, ct).ConfigureAwait(false))
        {
            throw new HsmException(HsmErrorKind.Timeout, $"HSM '{Name}': the persistent session stayed busy for {_options.CallTimeout.TotalMilliseconds:0} ms ({operation}).", null, Name);
        }

        bool posted = false;
        try
        {
            posted = true;
            return await CallAsync(ctx.Module, operation, () => body(ctx.Persistent), deadline ?? _options.CallTimeout, ct, () => ctx.PersistentGate.Release()).ConfigureAwait(false);
        }
        catch (HsmException e) when (classify)
        {
            HandleFailure(ctx, null, operation, e);
            throw;
        }
        catch (HsmException e)
        {
            if (e.IsConnectionClass && !ReloadedUnder(ctx, e) && !Replaced(ctx))
            {
                NoteError(e);
                MarkDown(ctx, e.Message);
            }

            throw;
        }
        finally
        {
            if (!posted)
            {
                ctx.PersistentGate.Release();
            }
        }
    }

    /// <summary>
    /// A connection-class error from a module instance retired meanwhile: an operator's reset or another connection
    /// on the same module reloaded it while the call waited or ran. That is not this HSM failing; the caller retries on
    /// the new instance (<see cref="UsableContextAsync"/> reopens the sessions there).
    /// </summary>
    private static bool ReloadedUnder(ConnectedSessions ctx, HsmException e) => e.Kind == HsmErrorKind.Connection && ctx.Module.Retired;

    // The context is no longer the current one: a reconnect or an operator's reset replaced it (closing its sessions),
    // or an outage already noted on it dropped it. A call of it failing now says nothing new about this HSM.
    private bool Replaced(ConnectedSessions ctx)
    {
        lock (_stateLock)
        {
            return !ReferenceEquals(ctx, _ctx);
        }
    }

    internal ConnectedSessions CurrentContext()
    {
        ObjectDisposedException.ThrowIf(_disposed, this);
        ThrowIfPinLatched(checkSource: false);
        lock (_stateLock)
        {
            if (_ctx is { } c)
            {
                return c;
            }

            throw new HsmException(HsmErrorKind.Connection,
                $"HSM '{Name}' is down: {_stateReason}. {(_options.AutoReconnect ? "Reconnecting in the background." : "Call ConnectAsync.")}",
                null, Name);
        }
    }

    private async Task<ConnectedSessions> UsableContextAsync(CancellationToken ct)
    {
        var ctx = CurrentContext();
        if (ctx.Module.Retired)
        {
            // Another connection reloaded the shared module: reopen sessions on the new instance.
            await ConnectCoreAsync(reload: false, ct, dropCurrent: true, staleCtx: ctx).ConfigureAwait(false);
            ctx = CurrentContext();
        }

        return ctx;
    }

    private async Task<PooledSession> AcquireAsync(ConnectedSessions ctx, CancellationToken ct)
    {
        if (!await ctx.PoolPermits.WaitAsync(_options.CallTimeout, ct).ConfigureAwait(false))
        {
            var e = new HsmException(HsmErrorKind.Transient,
                $"HSM '{Name}': all {ctx.PoolSize} operation sessions stayed busy for {_options.CallTimeout.TotalMilliseconds:0} ms. Raise PoolSize or reduce load.", null, Name);
            NoteError(e);
            NoteDegraded("session pool exhausted");
            throw e;
        }

        while (ctx.Idle.TryTake(out var idle))
        {
            if (!idle.Broken)
            {
                return idle;
            }

            Interlocked.Decrement(ref ctx.Opened);
        }

        try
        {
            var session = await CallAsync(ctx.Module, "C_OpenSession", () => ctx.Slot.OpenSession(SessionType.ReadWrite), _options.CallTimeout, ct).ConfigureAwait(false);
            Interlocked.Increment(ref ctx.Opened);
            Interlocked.Increment(ref _sessionsOpened);
            return new PooledSession(session, Interlocked.Increment(ref _sessionIds));
        }
        catch
        {
            ctx.PoolPermits.Release();
            throw;
        }
    }

    private void ReturnToPool(ConnectedSessions ctx, PooledSession lease)
    {
        if (lease.Broken || !ctx.Usable)
        {
            Interlocked.Decrement(ref ctx.Opened);
            if (ctx.Usable)
            {
                try { lease.Session.CloseSession(); } catch (Pkcs11Exception) { }
            }
        }
        else
        {
            ctx.Idle.Add(lease);
        }

        ctx.PoolPermits.Release();
    }

    /// <summary>
    /// Runs an operation on a pool session with the error policy: session errors reopen, login/handle errors log in
    /// again and drop cached key handles, transient errors back off and retry, connection errors mark Down and throw.
    /// </summary>
    private async Task<T> ExecuteAsync<T>(string operation, Func<ISession, ConnectedSessions, T> body, CancellationToken ct, TimeSpan? deadline = null)
    {
        int sessionRetries = 2, loginRetries = 1, staleRetries = 1, transientRetries = _options.TransientRetries;
        var backoff = _options.TransientRetryDelay;
        while (true)
        {
            ct.ThrowIfCancellationRequested();
            var ctx = await UsableContextAsync(ct).ConfigureAwait(false);
            PooledSession lease;
            try
            {
                lease = await AcquireAsync(ctx, ct).ConfigureAwait(false);
            }
            catch (HsmException e) when (e.IsConnectionClass)
            {
                // Opening a session timed out or found the HSM gone: an outage like any other call's.
                HandleFailure(ctx, null, "C_OpenSession", e);
                throw;
            }

            try
            {
                var result = await CallAsync(ctx.Module, operation, () =>
                {
                    lease.Enter(ctx);
                    try
                    {
                        return body(lease.Session, ctx);
                    }
                    finally
                    {
                        lease.Exit(ctx);
                    }
                }, deadline ?? _options.CallTimeout, ct, () => ReturnToPool(ctx, lease)).ConfigureAwait(false);
                NoteSuccess();
                return result;
            }
            catch (HsmException e)
            {
                if (e.Kind == HsmErrorKind.Timeout)
                {
                    lease.Broken = true;
                }

                if (ReloadedUnder(ctx, e) && staleRetries-- > 0)
                {
                    // Another connection reloaded the shared module under us; that is not this HSM failing.
                    await ConnectCoreAsync(reload: false, ct, dropCurrent: true, staleCtx: ctx).ConfigureAwait(false);
                    continue;
                }

                switch (HandleFailure(ctx, lease, operation, e))
                {
                    case HsmErrorKind.Session when sessionRetries-- > 0:
                        continue;
                    case HsmErrorKind.Login when loginRetries-- > 0:
                        await ReloginAsync(ctx, ct).ConfigureAwait(false);
                        continue;
                    case HsmErrorKind.Transient when transientRetries-- > 0:
                        await Task.Delay(backoff, _time, ct).ConfigureAwait(false);
                        backoff *= 2;
                        continue;
                    default:
                        throw;
                }
            }
        }
    }

    /// <summary>
    /// Records an error and applies its side effects; returns the kind for the retry decision. A missing key or an
    /// unsupported mechanism is the request's problem, not this HSM's: it neither degrades the member nor becomes its
    /// LastError. Outages (a call that timed out, a lost connection or session, a rejected PIN) are logged as errors
    /// with the member, the operation and the cause, so 'stella crypto hsm logs --level error' shows them.
    /// </summary>
    private HsmErrorKind HandleFailure(ConnectedSessions ctx, PooledSession? lease, string operation, HsmException e)
    {
        if (e.Kind is HsmErrorKind.KeyNotFound or HsmErrorKind.Unsupported)
        {
            return e.Kind;
        }

        if (ReloadedUnder(ctx, e))
        {
            _log.LogDebug("HSM {Name}: {Operation} met a module instance reloaded under it; not an outage.", Name, operation);
            return e.Kind;
        }

        if (Replaced(ctx))
        {
            // Noted, it would degrade the context that replaced this one (or keep an outage's error fresh) for nothing.
            _log.LogDebug("HSM {Name}: {Operation} failed on sessions already replaced ({Kind}); not a new error.", Name, operation, e.Kind);
            return e.Kind;
        }

        NoteError(e);
        _log.Log(e.Kind is HsmErrorKind.Login or HsmErrorKind.Transient ? LogLevel.Warning : LogLevel.Error,
            "HSM {Name}: {Operation} failed ({Kind}{Ckr}): {Cause}", Name, operation, e.Kind, e.Ckr is null ? "" : " " + e.Ckr, e.Message);
        switch (e.Kind)
        {
            case HsmErrorKind.Connection:
            case HsmErrorKind.Timeout:
                MarkDown(ctx, e.Message);
                break;
            case HsmErrorKind.Session:
                if (lease is not null)
                {
                    lease.Broken = true;
                }
                else
                {
                    MarkDown(ctx, e.Message); // the persistent session itself is gone: reconnect
                }

                NoteDegraded(e.Message);
                break;
            case HsmErrorKind.Login:
                ctx.Keys.Clear();
                NoteDegraded(e.Message);
                break;
            case HsmErrorKind.Transient:
                NoteDegraded(e.Message);
                break;
            case HsmErrorKind.PinIncorrect:
            case HsmErrorKind.PinLocked:
                MarkDown(ctx, e.Message);
                break;
        }

        return e.Kind;
    }
}
