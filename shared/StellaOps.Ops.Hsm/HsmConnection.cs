using System.Diagnostics;
using System.Security.Cryptography;
using Microsoft.Extensions.Logging;
using Microsoft.Extensions.Logging.Abstractions;
using Net.Pkcs11Interop.Common;
using Net.Pkcs11Interop.HighLevelAPI;
using StellaOps.Ops.Contracts;

namespace StellaOps.Ops.Hsm;

/// <summary>
/// One configured HSM token. Owns one persistent logged-in session (never closed while connected, because closing
/// the last session logs the token out) and a bounded pool of operation sessions, each used by one thread at a time.
/// Every PKCS#11 call runs on a worker under <see cref="HsmConnectionOptions.CallTimeout"/>; a call that overruns is
/// abandoned and the connection goes Down. Errors are classified (<see cref="HsmErrorKind"/>) and handled:
/// connection → Down + background reload/reconnect with backoff; session → reopen; login/handle → log in again and
/// look keys up again by CKA_ID; transient → bounded retry; PIN failures → never retried, remembered until
/// <see cref="ResetPinFailure"/> or until the PIN source returns a different PIN.
/// </summary>
public sealed class HsmConnection : IAsyncDisposable, IDisposable
{
    private const ulong CkkEcEdwards = 0x40;
    internal const ulong CkmEcEdwardsKeyPairGen = 0x1055;
    internal const ulong CkmEddsa = 0x1057;

    private readonly HsmConnectionOptions _options;
    private readonly ILogger _log;
    private readonly TimeProvider _time;
    private readonly object _stateLock = new();
    private readonly SemaphoreSlim _connectGate = new(1, 1);
    private readonly Queue<HsmStateTransition<HsmConnectionState>> _history = new();
    private readonly byte[] _pinFingerprintKey = RandomNumberGenerator.GetBytes(32);
    private readonly CancellationTokenSource _disposeCts = new();

    private ConnectionContext? _ctx;
    private TokenSnapshot? _lastToken;
    private LoadedModule? _lastModule;
    private HsmConnectionState _state = HsmConnectionState.Down;
    private string? _stateReason = "not connected yet";
    private string? _lastError;
    private DateTimeOffset? _lastErrorAt;
    private HsmProbeResult? _lastProbe;
    private PinLatch? _pinLatch;
    private Task? _reconnectLoop;
    private long _sessionIds;
    private long _loginAttempts;
    private long _lastTriedGeneration = -1;
    private long _sessionsOpened;
    private bool _disposed;

    internal int PoolInUseNowField;
    internal long MaxConcurrentPoolSessionsField;
    internal long ConcurrencyViolationsField;

    public HsmConnection(HsmConnectionOptions options)
    {
        ArgumentNullException.ThrowIfNull(options);
        if (string.IsNullOrWhiteSpace(options.TokenLabel) && string.IsNullOrWhiteSpace(options.TokenSerial))
        {
            throw new ArgumentException("Set TokenLabel or TokenSerial: tokens are found by label or serial, never by slot id.", nameof(options));
        }

        if (options.PoolSize < 1)
        {
            throw new ArgumentOutOfRangeException(nameof(options), "PoolSize must be at least 1.");
        }

        _options = options;
        _log = options.Logger ?? NullLogger.Instance;
        _time = options.TimeProvider;
        Library = Pkcs11Library.Acquire(options.LibraryPath, options.NativeEnvironment);
    }

    public string Name => _options.Name;
    public HsmConnectionOptions Options => _options;
    public Pkcs11Library Library { get; }

    public HsmConnectionState State { get { lock (_stateLock) { return _state; } } }
    public string? StateReason { get { lock (_stateLock) { return _stateReason; } } }

    /// <summary>Bounded history of state transitions, oldest first.</summary>
    public IReadOnlyList<HsmStateTransition<HsmConnectionState>> History { get { lock (_stateLock) { return [.. _history]; } } }

    /// <summary>Raised (outside locks) on every state change.</summary>
    public event EventHandler<HsmStateChangedEventArgs>? StateChanged;

    /// <summary>C_Login calls made so far (diagnostics: proves PIN failures are not retried).</summary>
    public long LoginAttempts => Interlocked.Read(ref _loginAttempts);

    /// <summary>True while a PIN failure is remembered (logins are refused without calling the token).</summary>
    public bool PinFailureLatched { get { lock (_stateLock) { return _pinLatch is not null; } } }

    /// <summary>Operation sessions opened so far.</summary>
    public long SessionsOpened => Interlocked.Read(ref _sessionsOpened);

    /// <summary>Highest number of pool sessions in use at the same time.</summary>
    public long MaxConcurrentPoolSessions => Interlocked.Read(ref MaxConcurrentPoolSessionsField);

    /// <summary>Times a pooled session was entered by a second thread (must stay 0).</summary>
    public long SessionConcurrencyViolations => Interlocked.Read(ref ConcurrencyViolationsField);

    /// <summary>Process-wide count of PKCS#11 calls abandoned after their deadline.</summary>
    public static long AbandonedCalls => NativeCallRunner.AbandonedCalls;

    // ---------------------------------------------------------------- connect / reconnect

    /// <summary>Loads the module if needed, finds the token, opens the persistent session and logs in.</summary>
    public Task ConnectAsync(CancellationToken cancellationToken = default) => ConnectCoreAsync(reload: false, cancellationToken);

    /// <summary>Drops sessions and connects again (no module reload unless the token is not found).</summary>
    public Task ReconnectAsync(CancellationToken cancellationToken = default) => ConnectCoreAsync(reload: false, cancellationToken, dropCurrent: true);

    /// <summary>Full module reload (C_Finalize, unload, load, C_Initialize) then connect.</summary>
    public Task ReloadLibraryAsync(CancellationToken cancellationToken = default) => ConnectCoreAsync(reload: true, cancellationToken, dropCurrent: true, forceReload: true);

    /// <summary>Forgets a remembered PIN failure so the next connect may try C_Login once more.</summary>
    public void ResetPinFailure()
    {
        lock (_stateLock)
        {
            _pinLatch = null;
        }

        _log.LogInformation("HSM {Name}: PIN failure reset; the next connect attempts one login.", Name);
    }

    /// <param name="staleCtx">When set, reconnect only if that context is still the current one (another caller may have done it already).</param>
    private async Task ConnectCoreAsync(bool reload, CancellationToken cancellationToken, bool dropCurrent = false, ConnectionContext? staleCtx = null, bool forceReload = false)
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
            ConnectionContext? old;
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

            ConnectionContext ctx;
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

    private async Task<ConnectionContext> OpenContextAsync(LoadedModule module, CancellationToken ct)
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

        return new ConnectionContext(this, module, slot, session, _options.PoolSize, token);
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

    private async Task LoginAsync(ConnectionContext ctx, CancellationToken ct)
    {
        byte[] pin = ThrowIfPinLatched(checkSource: true, keepPin: true)!;
        byte[] fingerprint = Fingerprint(pin);
        try
        {
            await RunPersistentAsync(ctx, "C_Login", s =>
            {
                Interlocked.Increment(ref _loginAttempts);
                try
                {
                    s.Login(CKU.CKU_USER, pin);
                }
                catch (Pkcs11Exception e) when (e.RV == CKR.CKR_USER_ALREADY_LOGGED_IN)
                {
                    // Login state is per application and token: another connection to this token already logged in.
                }

                return true;
            }, ct, classify: false).ConfigureAwait(false);
        }
        catch (HsmException e) when (e.IsPinFailure)
        {
            lock (_stateLock)
            {
                _pinLatch = new PinLatch(e.Kind, e.Ckr, fingerprint);
            }

            _log.LogError("HSM {Name}: login failed with {Ckr}; logins are suspended until the PIN source changes or ResetPinFailure is called.", Name, e.Ckr);
            NoteError(e);
            MarkDown(ctx, e.Message);
            throw;
        }
        finally
        {
            Array.Clear(pin);
        }
    }

    /// <summary>Logs in again; if the persistent session itself is gone (all sessions were closed), reconnects.</summary>
    private async Task ReloginAsync(ConnectionContext ctx, CancellationToken ct)
    {
        try
        {
            await LoginAsync(ctx, ct).ConfigureAwait(false);
        }
        catch (HsmException e) when (e.Kind == HsmErrorKind.Session)
        {
            _log.LogInformation("HSM {Name}: the persistent session is gone ({Ckr}); reopening sessions.", Name, e.Ckr);
            await ConnectCoreAsync(reload: false, ct, dropCurrent: true, staleCtx: ctx).ConfigureAwait(false);
        }
    }

    /// <summary>
    /// Throws the remembered PIN failure if one is latched and the PIN source still returns the same PIN. With
    /// <paramref name="keepPin"/> returns the PIN for a login (caller zeroes it).
    /// </summary>
    private byte[]? ThrowIfPinLatched(bool checkSource, bool keepPin = false)
    {
        PinLatch? latch;
        lock (_stateLock)
        {
            latch = _pinLatch;
        }

        if (latch is null && !keepPin)
        {
            return null;
        }

        if (latch is not null && !checkSource)
        {
            throw latch.ToException(Name);
        }

        byte[] pin;
        try
        {
            pin = _options.PinProvider();
        }
        catch (Exception e) when (e is not HsmException)
        {
            throw new HsmException(HsmErrorKind.Other, $"HSM '{Name}': the PIN provider failed ({e.GetType().Name}). Check the PIN file/variable.", null, Name);
        }

        if (latch is not null)
        {
            byte[] fp = Fingerprint(pin);
            if (CryptographicOperations.FixedTimeEquals(fp, latch.Fingerprint))
            {
                Array.Clear(pin);
                throw latch.ToException(Name);
            }

            _log.LogInformation("HSM {Name}: the PIN source changed since the last PIN failure; one login will be attempted.", Name);
            lock (_stateLock)
            {
                _pinLatch = null;
            }
        }

        if (keepPin)
        {
            return pin;
        }

        Array.Clear(pin);
        return null;
    }

    private byte[] Fingerprint(byte[] pin) => HMACSHA256.HashData(_pinFingerprintKey, pin);

    private sealed record PinLatch(HsmErrorKind Kind, string? Ckr, byte[] Fingerprint)
    {
        public HsmException ToException(string name) => new(Kind,
            $"HSM '{name}': login is suspended after {Ckr ?? Kind.ToString()}; no further login is attempted with the same PIN. {Pkcs11ErrorClassifier.Advice(Kind)}",
            Ckr, name);
    }

    private void Abandon(ConnectionContext ctx, bool close)
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

    private void MarkDown(ConnectionContext? ctx, string reason)
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

    // ---------------------------------------------------------------- state

    private void SetState(HsmConnectionState to, string reason)
    {
        HsmStateTransition<HsmConnectionState>? t = null;
        lock (_stateLock)
        {
            if (_state != to || (to == HsmConnectionState.Down && _stateReason != reason && _history.Count == 0))
            {
                t = new HsmStateTransition<HsmConnectionState>(_time.GetUtcNow(), _state, to, reason);
                _history.Enqueue(t);
                while (_history.Count > Math.Max(1, _options.HistoryCapacity))
                {
                    _history.Dequeue();
                }
            }

            _state = to;
            _stateReason = reason;
            if (to == HsmConnectionState.Connected)
            {
                // Healthy again: an error from before the recovery is history (kept in History), not the member's last error.
                _lastError = null;
                _lastErrorAt = null;
            }
        }

        if (t is not null)
        {
            // Going down is an outage (error); recovering is information.
            var level = to == HsmConnectionState.Down ? LogLevel.Error : LogLevel.Information;
            _log.Log(level, "HSM {Name}: {From} -> {To}: {Reason}", Name, t.From, t.To, reason);
            StateChanged?.Invoke(this, new HsmStateChangedEventArgs(Name, t));
        }
    }

    private void NoteError(HsmException e)
    {
        lock (_stateLock)
        {
            _lastError = $"{e.Kind}{(e.Ckr is null ? "" : " " + e.Ckr)}: {e.Message}";
            _lastErrorAt = _time.GetUtcNow();
        }
    }

    private void NoteDegraded(string reason)
    {
        if (State == HsmConnectionState.Connected)
        {
            SetState(HsmConnectionState.Degraded, reason);
        }
    }

    private void NoteSuccess()
    {
        bool recover;
        lock (_stateLock)
        {
            recover = _state == HsmConnectionState.Degraded && _ctx is not null &&
                      (_lastErrorAt is null || _time.GetUtcNow() - _lastErrorAt.Value >= _options.DegradedWindow);
        }

        if (recover)
        {
            SetState(HsmConnectionState.Connected, "no errors within the degraded window");
        }
    }

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

    private async Task<T> RunPersistentAsync<T>(ConnectionContext ctx, string operation, Func<ISession, T> body, CancellationToken ct, bool classify = true, TimeSpan? deadline = null)
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
            if (e.IsConnectionClass)
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

    private ConnectionContext CurrentContext()
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

    private async Task<ConnectionContext> UsableContextAsync(CancellationToken ct)
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

    private async Task<PooledSession> AcquireAsync(ConnectionContext ctx, CancellationToken ct)
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

    private void ReturnToPool(ConnectionContext ctx, PooledSession lease)
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
    private async Task<T> ExecuteAsync<T>(string operation, Func<ISession, ConnectionContext, T> body, CancellationToken ct, TimeSpan? deadline = null)
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

                if (e.Kind == HsmErrorKind.Connection && ctx.Module.Retired && staleRetries-- > 0)
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
    private HsmErrorKind HandleFailure(ConnectionContext ctx, PooledSession? lease, string operation, HsmException e)
    {
        if (e.Kind is HsmErrorKind.KeyNotFound or HsmErrorKind.Unsupported)
        {
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

    // ---------------------------------------------------------------- operations

    /// <summary>
    /// Keep-alive: C_GetSessionInfo on the persistent session PLUS real token operations (C_GetTokenInfo,
    /// C_GenerateRandom, a C_FindObjects) because SoftHSM answers session info locally even when the token is gone.
    /// A failed probe applies the error policy (a connection error marks the connection Down). Never throws for HSM errors.
    /// </summary>
    public async Task<HsmProbeResult> ProbeAsync(CancellationToken cancellationToken = default)
    {
        var sw = Stopwatch.StartNew();
        HsmProbeResult result;
        try
        {
            var ctx = await UsableContextAsync(cancellationToken).ConfigureAwait(false);
            var token = await RunPersistentAsync(ctx, "probe", s =>
            {
                var info = s.GetSessionInfo();
                if (info.State is not (CKS.CKS_RW_USER_FUNCTIONS or CKS.CKS_RO_USER_FUNCTIONS))
                {
                    throw new Pkcs11Exception("C_GetSessionInfo", CKR.CKR_USER_NOT_LOGGED_IN);
                }

                var ti = ctx.Slot.GetTokenInfo();
                _ = s.GenerateRandom(8);
                s.FindObjectsInit([Pkcs11Library.Factories.ObjectAttributeFactory.Create(CKA.CKA_CLASS, CKO.CKO_PRIVATE_KEY)]);
                try
                {
                    _ = s.FindObjects(1);
                }
                finally
                {
                    s.FindObjectsFinal();
                }

                return Snapshot(ti, ctx.Slot.SlotId);
            }, cancellationToken).ConfigureAwait(false);
            ctx.Token = token;
            lock (_stateLock)
            {
                _lastToken = token;
            }

            result = new HsmProbeResult(Name, true, sw.Elapsed, _time.GetUtcNow());
            NoteSuccess();
        }
        catch (HsmException e)
        {
            if (e.Kind == HsmErrorKind.Login)
            {
                // Logged out behind our back: log in again (respects the PIN latch) on the next operation.
                try { await ReloginAsync(CurrentContext(), cancellationToken).ConfigureAwait(false); } catch (HsmException) { }
            }

            result = new HsmProbeResult(Name, false, sw.Elapsed, _time.GetUtcNow(), e.Kind, e.Message);
        }

        lock (_stateLock)
        {
            _lastProbe = result;
        }

        return result;
    }

    /// <summary>A snapshot for status displays; makes no PKCS#11 call (token data is from the last connect/probe).</summary>
    public HsmConnectionInfo GetInfo()
    {
        lock (_stateLock)
        {
            var ctx = _ctx;
            var module = ctx?.Module ?? _lastModule;
            var token = ctx?.Token ?? _lastToken;
            int idle = ctx?.Idle.Count ?? 0;
            int opened = ctx is null ? 0 : Volatile.Read(ref ctx.Opened);
            return new HsmConnectionInfo(
                Name, _state, _stateReason, Library.ModulePath,
                module?.Manufacturer, module?.Description, module?.CryptokiVersion, module?.LibraryVersion,
                token?.Label, token?.Serial, token?.Model, token?.Manufacturer, token?.Flags, token?.SlotId,
                new HsmSessionCounts(ctx is not null, Math.Max(0, opened - idle), idle, _options.PoolSize),
                _lastError, _lastErrorAt, _lastProbe, _pinLatch is not null, LoginAttempts, Library.Generation);
        }
    }

    /// <summary>All slots of the module (loads it if needed), with token label/serial/model and whether the slot is free.</summary>
    public async Task<IReadOnlyList<HsmSlotInfo>> GetSlotsAsync(CancellationToken cancellationToken = default)
    {
        var module = await Library.EnsureLoadedAsync(_options.CallTimeout, Name, cancellationToken).ConfigureAwait(false);
        return await CallAsync(module, "C_GetSlotList", () =>
        {
            var list = new List<HsmSlotInfo>();
            foreach (var s in module.Library.GetSlotList(SlotsType.WithOrWithoutTokenPresent))
            {
                var si = s.GetSlotInfo();
                bool present = si.SlotFlags.TokenPresent;
                ITokenInfo? ti = null;
                if (present)
                {
                    try { ti = s.GetTokenInfo(); } catch (Pkcs11Exception) { }
                }

                list.Add(new HsmSlotInfo(s.SlotId, si.SlotDescription.Trim(), present, ti?.Label.Trim(), ti?.SerialNumber.Trim(), ti?.Model.Trim(), ti?.TokenFlags.TokenInitialized ?? false));
            }

            return (IReadOnlyList<HsmSlotInfo>)list;
        }, _options.CallTimeout, cancellationToken).ConfigureAwait(false);
    }

    /// <summary>Which <see cref="KeyAlgorithm"/>s the token can generate and sign with.</summary>
    public async Task<IReadOnlyList<HsmMechanismSupport>> GetMechanismsAsync(CancellationToken cancellationToken = default)
    {
        var ctx = await UsableContextAsync(cancellationToken).ConfigureAwait(false);
        return await CallAsync(ctx.Module, "C_GetMechanismList", () =>
        {
            var available = ctx.Slot.GetMechanismList().Select(m => (ulong)m).ToHashSet();
            bool Has(ulong mech, bool generate, ulong bits)
            {
                if (!available.Contains(mech))
                {
                    return false;
                }

                var mi = ctx.Slot.GetMechanismInfo((CKM)mech);
                bool flag = generate ? mi.MechanismFlags.GenerateKeyPair : mi.MechanismFlags.Sign;
                bool size = bits == 0 || mi.MaxKeySize == 0 || (mi.MinKeySize <= bits && bits <= mi.MaxKeySize);
                return flag && size;
            }

            var ec = (ulong)CKM.CKM_EC_KEY_PAIR_GEN;
            var ecdsa = (ulong)CKM.CKM_ECDSA;
            return (IReadOnlyList<HsmMechanismSupport>)
            [
                new(KeyAlgorithm.EcdsaP256, Has(ec, true, 256), Has(ecdsa, false, 256), nameof(CKM.CKM_EC_KEY_PAIR_GEN), nameof(CKM.CKM_ECDSA) + " (SHA-256 hashed by the library)"),
                new(KeyAlgorithm.EcdsaP384, Has(ec, true, 384), Has(ecdsa, false, 384), nameof(CKM.CKM_EC_KEY_PAIR_GEN), nameof(CKM.CKM_ECDSA) + " (SHA-384 hashed by the library)"),
                new(KeyAlgorithm.Rsa3072, Has((ulong)CKM.CKM_RSA_PKCS_KEY_PAIR_GEN, true, 3072), Has((ulong)CKM.CKM_SHA256_RSA_PKCS, false, 3072), nameof(CKM.CKM_RSA_PKCS_KEY_PAIR_GEN), nameof(CKM.CKM_SHA256_RSA_PKCS)),
                new(KeyAlgorithm.Ed25519, Has(CkmEcEdwardsKeyPairGen, true, 0), Has(CkmEddsa, false, 0), "CKM_EC_EDWARDS_KEY_PAIR_GEN (0x1055)", "CKM_EDDSA (0x1057)"),
            ];
        }, _options.CallTimeout, cancellationToken).ConfigureAwait(false);
    }

    /// <summary>
    /// Generates a token key pair (private key: CKA_TOKEN, CKA_PRIVATE, CKA_SENSITIVE=true, CKA_EXTRACTABLE=false,
    /// CKA_SIGN=true) with the given label and CKA_ID; returns the public key as SubjectPublicKeyInfo DER.
    /// Fails if an object with that CKA_ID already exists.
    /// </summary>
    public Task<byte[]> GenerateKeyPairAsync(KeyAlgorithm algorithm, string label, byte[] ckaId, CancellationToken cancellationToken = default)
    {
        ArgumentNullException.ThrowIfNull(label);
        ValidateId(ckaId);
        return ExecuteAsync("C_GenerateKeyPair", (s, ctx) =>
        {
            var f = Pkcs11Library.Factories.ObjectAttributeFactory;
            if (s.FindAllObjects([f.Create(CKA.CKA_ID, ckaId)]).Count > 0)
            {
                throw new HsmException(HsmErrorKind.Other, $"HSM '{Name}': an object with key id {Convert.ToHexString(ckaId)} already exists; destroy it or choose another id.", null, Name);
            }

            var pub = new List<IObjectAttribute>
            {
                f.Create(CKA.CKA_CLASS, CKO.CKO_PUBLIC_KEY),
                f.Create(CKA.CKA_TOKEN, true),
                f.Create(CKA.CKA_PRIVATE, false),
                f.Create(CKA.CKA_VERIFY, true),
                f.Create(CKA.CKA_LABEL, label),
                f.Create(CKA.CKA_ID, ckaId),
            };
            var priv = new List<IObjectAttribute>
            {
                f.Create(CKA.CKA_CLASS, CKO.CKO_PRIVATE_KEY),
                f.Create(CKA.CKA_TOKEN, true),
                f.Create(CKA.CKA_PRIVATE, true),
                f.Create(CKA.CKA_SENSITIVE, true),
                f.Create(CKA.CKA_EXTRACTABLE, false),
                f.Create(CKA.CKA_SIGN, true),
                f.Create(CKA.CKA_LABEL, label),
                f.Create(CKA.CKA_ID, ckaId),
            };
            ulong mech;
            switch (algorithm)
            {
                case KeyAlgorithm.EcdsaP256 or KeyAlgorithm.EcdsaP384:
                    mech = (ulong)CKM.CKM_EC_KEY_PAIR_GEN;
                    pub.Add(f.Create(CKA.CKA_KEY_TYPE, CKK.CKK_EC));
                    priv.Add(f.Create(CKA.CKA_KEY_TYPE, CKK.CKK_EC));
                    pub.Add(f.Create(CKA.CKA_EC_PARAMS, KeyEncoding.EcParams(algorithm)));
                    break;
                case KeyAlgorithm.Ed25519:
                    mech = CkmEcEdwardsKeyPairGen;
                    pub.Add(f.Create(CKA.CKA_KEY_TYPE, CkkEcEdwards));
                    priv.Add(f.Create(CKA.CKA_KEY_TYPE, CkkEcEdwards));
                    pub.Add(f.Create(CKA.CKA_EC_PARAMS, KeyEncoding.EcParams(algorithm)));
                    break;
                case KeyAlgorithm.Rsa3072:
                    mech = (ulong)CKM.CKM_RSA_PKCS_KEY_PAIR_GEN;
                    pub.Add(f.Create(CKA.CKA_KEY_TYPE, CKK.CKK_RSA));
                    priv.Add(f.Create(CKA.CKA_KEY_TYPE, CKK.CKK_RSA));
                    pub.Add(f.Create(CKA.CKA_MODULUS_BITS, 3072UL));
                    pub.Add(f.Create(CKA.CKA_PUBLIC_EXPONENT, new byte[] { 0x01, 0x00, 0x01 }));
                    break;
                default:
                    throw new HsmException(HsmErrorKind.Unsupported, $"Key algorithm {algorithm} is not supported.", null, Name);
            }

            s.GenerateKeyPair(Pkcs11Library.Factories.MechanismFactory.Create(mech), pub, priv, out var pubHandle, out var privHandle);
            ctx.Keys[Convert.ToHexString(ckaId)] = new CachedKey(privHandle, algorithm);
            return ReadSpki(s, pubHandle, algorithm);
        }, cancellationToken, _options.KeyGenerationTimeout);
    }

    /// <summary>The public key with this CKA_ID as SubjectPublicKeyInfo DER.</summary>
    public Task<byte[]> GetPublicKeySpkiAsync(byte[] ckaId, CancellationToken cancellationToken = default)
    {
        ValidateId(ckaId);
        return ExecuteAsync("read public key", (s, _) =>
        {
            var f = Pkcs11Library.Factories.ObjectAttributeFactory;
            var handles = s.FindAllObjects([f.Create(CKA.CKA_CLASS, CKO.CKO_PUBLIC_KEY), f.Create(CKA.CKA_ID, ckaId)]);
            if (handles.Count == 0)
            {
                throw KeyNotFound(ckaId, "no public key object");
            }

            var alg = AlgorithmOf(s, handles[0]) ?? throw KeyNotFound(ckaId, "unsupported key type or curve");
            return ReadSpki(s, handles[0], alg);
        }, cancellationToken);
    }

    /// <summary>Whether a private key with this CKA_ID is on the token (a lookup: no error is recorded when there is none).</summary>
    public Task<bool> KeyExistsAsync(byte[] ckaId, CancellationToken cancellationToken = default)
    {
        ValidateId(ckaId);
        return ExecuteAsync("find key", (s, _) =>
        {
            var f = Pkcs11Library.Factories.ObjectAttributeFactory;
            return s.FindAllObjects([f.Create(CKA.CKA_CLASS, CKO.CKO_PRIVATE_KEY), f.Create(CKA.CKA_ID, ckaId)]).Count > 0;
        }, cancellationToken);
    }

    /// <summary>
    /// Key pairs on the token (private key objects), with CKA_ID, label and algorithm; then public key objects that
    /// have no private key (<see cref="HsmKeyInfo.HasPrivateKeyObject"/> false).
    /// </summary>
    public Task<IReadOnlyList<HsmKeyInfo>> FindKeyIdsAsync(CancellationToken cancellationToken = default) =>
        ExecuteAsync("find keys", (s, _) =>
        {
            var f = Pkcs11Library.Factories.ObjectAttributeFactory;
            var publicKeys = new Dictionary<string, IObjectHandle>(StringComparer.Ordinal);
            foreach (var h in s.FindAllObjects([f.Create(CKA.CKA_CLASS, CKO.CKO_PUBLIC_KEY)]))
            {
                publicKeys[Convert.ToHexString(s.GetAttributeValue(h, [CKA.CKA_ID])[0].GetValueAsByteArray() ?? [])] = h;
            }

            var list = new List<HsmKeyInfo>();
            foreach (var h in s.FindAllObjects([f.Create(CKA.CKA_CLASS, CKO.CKO_PRIVATE_KEY)]))
            {
                var attrs = s.GetAttributeValue(h, [CKA.CKA_ID, CKA.CKA_LABEL]);
                byte[] id = attrs[0].GetValueAsByteArray() ?? [];
                list.Add(new HsmKeyInfo(id, attrs[1].GetValueAsString() ?? "", AlgorithmOf(s, h), publicKeys.Remove(Convert.ToHexString(id))));
            }

            foreach (var h in publicKeys.Values)
            {
                var attrs = s.GetAttributeValue(h, [CKA.CKA_ID, CKA.CKA_LABEL]);
                list.Add(new HsmKeyInfo(attrs[0].GetValueAsByteArray() ?? [], attrs[1].GetValueAsString() ?? "", AlgorithmOf(s, h), true) { HasPrivateKeyObject = false });
            }

            return (IReadOnlyList<HsmKeyInfo>)list;
        }, cancellationToken);

    /// <summary>
    /// Signs <paramref name="message"/> with the private key with this CKA_ID. The library hashes as needed:
    /// ecdsa-p256 → SHA-256 then CKM_ECDSA; ecdsa-p384 → SHA-384 then CKM_ECDSA (both return raw r‖s, IEEE P1363,
    /// 64/96 bytes; convert to DER where a format needs it); rsa-3072 → CKM_SHA256_RSA_PKCS (PKCS#1 v1.5);
    /// ed25519 → CKM_EDDSA over the message (64 bytes).
    /// </summary>
    public Task<byte[]> SignAsync(byte[] ckaId, KeyAlgorithm algorithm, byte[] message, CancellationToken cancellationToken = default)
    {
        ValidateId(ckaId);
        ArgumentNullException.ThrowIfNull(message);
        return algorithm switch
        {
            KeyAlgorithm.EcdsaP256 => SignDigestAsync(ckaId, algorithm, SHA256.HashData(message), cancellationToken),
            KeyAlgorithm.EcdsaP384 => SignDigestAsync(ckaId, algorithm, SHA384.HashData(message), cancellationToken),
            KeyAlgorithm.Rsa3072 => SignRawAsync(ckaId, algorithm, (ulong)CKM.CKM_SHA256_RSA_PKCS, message, cancellationToken),
            KeyAlgorithm.Ed25519 => SignRawAsync(ckaId, algorithm, CkmEddsa, message, cancellationToken),
            _ => throw new HsmException(HsmErrorKind.Unsupported, $"Key algorithm {algorithm} is not supported.", null, Name),
        };
    }

    /// <summary>
    /// Signs a digest computed elsewhere (prehashed): ecdsa-p256 takes a SHA-256 digest, ecdsa-p384 a SHA-384 digest
    /// (CKM_ECDSA, raw r‖s); rsa-3072 a SHA-256 digest, wrapped in its DigestInfo for CKM_RSA_PKCS (the same
    /// PKCS#1 v1.5 signature CKM_SHA256_RSA_PKCS makes over the data). Ed25519 has no prehashed form here: it is
    /// <see cref="HsmErrorKind.Unsupported"/>, sign the message instead.
    /// </summary>
    public Task<byte[]> SignDigestAsync(byte[] ckaId, KeyAlgorithm algorithm, byte[] digest, CancellationToken cancellationToken = default)
    {
        ValidateId(ckaId);
        var (mechanism, data) = DigestPayload(algorithm, digest);
        return SignRawAsync(ckaId, algorithm, mechanism, data, cancellationToken);
    }

    /// <summary>
    /// Signs several digests with one key in one call: one pool session and one worker hop for the lot instead of one
    /// per signature, which is what batched signing spends most of its time on otherwise. Same rules as
    /// <see cref="SignDigestAsync"/>; a failure fails the whole call (the error policy may retry it on a new session).
    /// </summary>
    public Task<byte[][]> SignDigestsAsync(byte[] ckaId, KeyAlgorithm algorithm, IReadOnlyList<byte[]> digests, CancellationToken cancellationToken = default)
    {
        ValidateId(ckaId);
        ArgumentNullException.ThrowIfNull(digests);
        var payloads = digests.Select(d => DigestPayload(algorithm, d)).ToArray();
        return ExecuteAsync("C_Sign", (s, ctx) =>
        {
            var key = FindPrivateKey(s, ctx, ckaId, algorithm);
            var signatures = new byte[payloads.Length][];
            for (var i = 0; i < payloads.Length; i++)
                signatures[i] = s.Sign(Pkcs11Library.Factories.MechanismFactory.Create(payloads[i].Mechanism), key, payloads[i].Data);
            return signatures;
        }, cancellationToken);
    }

    private (ulong Mechanism, byte[] Data) DigestPayload(KeyAlgorithm algorithm, byte[] digest)
    {
        ArgumentNullException.ThrowIfNull(digest);
        return algorithm switch
        {
            KeyAlgorithm.EcdsaP256 when digest.Length == 32 => ((ulong)CKM.CKM_ECDSA, digest),
            KeyAlgorithm.EcdsaP384 when digest.Length == 48 => ((ulong)CKM.CKM_ECDSA, digest),
            KeyAlgorithm.Rsa3072 when digest.Length == 32 => ((ulong)CKM.CKM_RSA_PKCS, [.. Sha256DigestInfoPrefix, .. digest]),
            KeyAlgorithm.Ed25519 => throw new HsmException(HsmErrorKind.Unsupported, "Ed25519 signs the whole message, not a digest: pass the data.", null, Name),
            _ => throw new HsmException(HsmErrorKind.Unsupported, $"A {algorithm} key does not sign a {digest.Length}-byte digest (ecdsa-p256 and rsa-3072: SHA-256, 32 bytes; ecdsa-p384: SHA-384, 48 bytes).", null, Name),
        };
    }

    /// <summary>DER of DigestInfo { sha256, NULL } up to the OCTET STRING header (RFC 8017 §9.2 note 1).</summary>
    private static readonly byte[] Sha256DigestInfoPrefix = [0x30, 0x31, 0x30, 0x0d, 0x06, 0x09, 0x60, 0x86, 0x48, 0x01, 0x65, 0x03, 0x04, 0x02, 0x01, 0x05, 0x00, 0x04, 0x20];

    private Task<byte[]> SignRawAsync(byte[] ckaId, KeyAlgorithm algorithm, ulong mechanism, byte[] data, CancellationToken cancellationToken) =>
        ExecuteAsync("C_Sign", (s, ctx) =>
        {
            var key = FindPrivateKey(s, ctx, ckaId, algorithm);
            return s.Sign(Pkcs11Library.Factories.MechanismFactory.Create(mechanism), key, data);
        }, cancellationToken);

    /// <summary>Destroys every object (private, public, …) with this CKA_ID; returns how many were destroyed.</summary>
    public Task<int> DestroyKeyAsync(byte[] ckaId, CancellationToken cancellationToken = default)
    {
        ValidateId(ckaId);
        return ExecuteAsync("C_DestroyObject", (s, ctx) =>
        {
            var handles = s.FindAllObjects([Pkcs11Library.Factories.ObjectAttributeFactory.Create(CKA.CKA_ID, ckaId)]);
            foreach (var h in handles)
            {
                s.DestroyObject(h);
            }

            ctx.Keys.TryRemove(Convert.ToHexString(ckaId), out _);
            return handles.Count;
        }, cancellationToken);
    }

    /// <summary>
    /// C_SetPIN in the logged-in RW persistent session. Update the PIN source afterwards (the next login uses it).
    /// A wrong old PIN throws PinIncorrect but does not latch (the caller supplied it interactively). Arrays are not zeroed.
    /// </summary>
    public async Task ChangePinAsync(byte[] oldPin, byte[] newPin, CancellationToken cancellationToken = default)
    {
        ArgumentNullException.ThrowIfNull(oldPin);
        ArgumentNullException.ThrowIfNull(newPin);
        var ctx = await UsableContextAsync(cancellationToken).ConfigureAwait(false);
        await RunPersistentAsync(ctx, "C_SetPIN", s =>
        {
            s.SetPin(oldPin, newPin);
            return true;
        }, cancellationToken, classify: false).ConfigureAwait(false);
    }

    /// <summary>
    /// Checks that the token is logged in with the configured PIN and a private-object search works. Logs in (one
    /// C_Login) only if not logged in; never while a PIN failure is latched.
    /// </summary>
    public async Task<HsmLoginTestResult> TestLoginAsync(CancellationToken cancellationToken = default)
    {
        var sw = Stopwatch.StartNew();
        try
        {
            var ctx = await UsableContextAsync(cancellationToken).ConfigureAwait(false);
            bool already = await RunPersistentAsync(ctx, "C_GetSessionInfo", s => s.GetSessionInfo().State is CKS.CKS_RW_USER_FUNCTIONS or CKS.CKS_RO_USER_FUNCTIONS, cancellationToken).ConfigureAwait(false);
            if (!already)
            {
                await LoginAsync(ctx, cancellationToken).ConfigureAwait(false);
            }

            await RunPersistentAsync(ctx, "C_FindObjects", s => s.FindAllObjects([Pkcs11Library.Factories.ObjectAttributeFactory.Create(CKA.CKA_CLASS, CKO.CKO_PRIVATE_KEY)]).Count, cancellationToken).ConfigureAwait(false);
            return new HsmLoginTestResult(true, already, sw.Elapsed, null, null);
        }
        catch (HsmException e)
        {
            return new HsmLoginTestResult(false, false, sw.Elapsed, e.Kind, e.Message);
        }
    }

    // ---------------------------------------------------------------- helpers (run on the worker)

    private IObjectHandle FindPrivateKey(ISession s, ConnectionContext ctx, byte[] ckaId, KeyAlgorithm algorithm)
    {
        string key = Convert.ToHexString(ckaId);
        if (ctx.Keys.TryGetValue(key, out var cached))
        {
            return cached.Algorithm == algorithm ? cached.Handle : throw KeyNotFound(ckaId, $"it is {cached.Algorithm.ToName()}, not {algorithm.ToName()}");
        }

        var f = Pkcs11Library.Factories.ObjectAttributeFactory;
        var handles = s.FindAllObjects([f.Create(CKA.CKA_CLASS, CKO.CKO_PRIVATE_KEY), f.Create(CKA.CKA_ID, ckaId)]);
        if (handles.Count == 0)
        {
            throw KeyNotFound(ckaId, "no private key object");
        }

        if (handles.Count > 1)
        {
            throw new HsmException(HsmErrorKind.Other, $"HSM '{Name}': {handles.Count} private keys share key id {key}; key ids must be unique.", null, Name);
        }

        var actual = AlgorithmOf(s, handles[0]);
        if (actual != algorithm)
        {
            throw KeyNotFound(ckaId, $"it is {actual?.ToName() ?? "an unsupported key type"}, not {algorithm.ToName()}");
        }

        ctx.Keys[key] = new CachedKey(handles[0], algorithm);
        return handles[0];
    }

    private static KeyAlgorithm? AlgorithmOf(ISession s, IObjectHandle h)
    {
        ulong type = s.GetAttributeValue(h, [CKA.CKA_KEY_TYPE])[0].GetValueAsUlong();
        if (type == (ulong)CKK.CKK_RSA)
        {
            var mod = s.GetAttributeValue(h, [CKA.CKA_MODULUS])[0];
            return !mod.CannotBeRead && (mod.GetValueAsByteArray()?.Length ?? 0) == 384 ? KeyAlgorithm.Rsa3072 : null;
        }

        if (type == (ulong)CKK.CKK_EC || type == CkkEcEdwards)
        {
            var p = s.GetAttributeValue(h, [CKA.CKA_EC_PARAMS])[0];
            var alg = p.CannotBeRead ? null : KeyEncoding.AlgorithmFromEcParams(p.GetValueAsByteArray());
            return type == CkkEcEdwards ? (alg == KeyAlgorithm.Ed25519 ? alg : null) : (alg == KeyAlgorithm.Ed25519 ? null : alg);
        }

        return null;
    }

    private static byte[] ReadSpki(ISession s, IObjectHandle pub, KeyAlgorithm algorithm)
    {
        if (algorithm == KeyAlgorithm.Rsa3072)
        {
            var a = s.GetAttributeValue(pub, [CKA.CKA_MODULUS, CKA.CKA_PUBLIC_EXPONENT]);
            return KeyEncoding.RsaSpki(a[0].GetValueAsByteArray(), a[1].GetValueAsByteArray());
        }

        var point = s.GetAttributeValue(pub, [CKA.CKA_EC_POINT])[0].GetValueAsByteArray();
        return KeyEncoding.EcSpki(algorithm, point);
    }

    private HsmException KeyNotFound(byte[] ckaId, string detail) =>
        new(HsmErrorKind.KeyNotFound, $"HSM '{Name}' (token '{_lastToken?.Label}'): key id {Convert.ToHexString(ckaId)}: {detail}. {Pkcs11ErrorClassifier.Advice(HsmErrorKind.KeyNotFound)}", null, Name);

    private static void ValidateId(byte[] ckaId)
    {
        ArgumentNullException.ThrowIfNull(ckaId);
        if (ckaId.Length == 0)
        {
            throw new ArgumentException("CKA_ID must not be empty.", nameof(ckaId));
        }
    }

    public override string ToString() => $"HsmConnection({Name}, {State}, token={_options.TokenLabel ?? _options.TokenSerial})";

    // ---------------------------------------------------------------- dispose

    public async ValueTask DisposeAsync()
    {
        Task? loop;
        ConnectionContext? ctx;
        lock (_stateLock)
        {
            if (_disposed)
            {
                return;
            }

            _disposed = true;
            loop = _reconnectLoop;
            ctx = _ctx;
            _ctx = null;
        }

        await _disposeCts.CancelAsync().ConfigureAwait(false);
        if (loop is not null)
        {
            try { await loop.WaitAsync(_options.CallTimeout * 8).ConfigureAwait(false); } catch (Exception e) when (e is OperationCanceledException or TimeoutException or HsmException) { }
        }

        if (ctx is not null)
        {
            Abandon(ctx, close: true);
        }

        await Library.ReleaseUserAsync(_options.CallTimeout).ConfigureAwait(false);
    }

    public void Dispose() => DisposeAsync().AsTask().GetAwaiter().GetResult();
}
