using Microsoft.Extensions.Logging;
using Microsoft.Extensions.Logging.Abstractions;
using StellaOps.Ops.Contracts;

namespace StellaOps.Ops.Hsm;

/// <summary>
/// A primary and an optional backup HSM. Operations go to the active member. When the primary fails with a
/// connection-class error (Connection/Timeout) and a backup is configured, the group fails over (state
/// <see cref="HsmGroupState.FailedOver"/>) and retries the operation once on the backup; the primary repairs itself in
/// the background (its own reconnect loop) and the group fails back after
/// <see cref="HsmFailoverOptions.FailbackAfterGoodProbes"/> consecutive good keep-alive probes.
/// </summary>
/// <remarks>
/// Keys are not replicated: signing on the backup uses the key with the same CKA_ID there, which must have been
/// provisioned on the backup token (same key material imported on both, or a token-level backup/clone). A key
/// missing on the backup fails with <see cref="HsmErrorKind.KeyNotFound"/>.
/// </remarks>
public sealed class HsmFailoverGroup : IAsyncDisposable, IHsmSigner
{
    private readonly HsmFailoverOptions _options;
    private readonly ILogger _log;
    private readonly object _lock = new();
    private readonly Queue<HsmStateTransition<HsmGroupState>> _history = new();
    private readonly ITimer _timer;
    private HsmMember _active = HsmMember.Primary;
    private HsmGroupState _state = HsmGroupState.Down;
    private bool _manual;
    private int _goodProbes;
    private int _roundRunning;
    private bool _keepAliveEnabled;
    private TimeSpan _keepAliveInterval;
    private bool _disposed;

    public HsmFailoverGroup(HsmConnection primary, HsmConnection? backup = null, HsmFailoverOptions? options = null)
    {
        ArgumentNullException.ThrowIfNull(primary);
        if (ReferenceEquals(primary, backup))
        {
            throw new ArgumentException("Primary and backup must be different connections.", nameof(backup));
        }

        Primary = primary;
        Backup = backup;
        _options = options ?? new HsmFailoverOptions();
        _log = _options.Logger ?? NullLogger.Instance;
        _keepAliveEnabled = _options.KeepAliveEnabled;
        _keepAliveInterval = _options.KeepAliveInterval;
        _timer = _options.TimeProvider.CreateTimer(_ => OnTimer(), null, Timeout.InfiniteTimeSpan, Timeout.InfiniteTimeSpan);
        Primary.StateChanged += OnMemberStateChanged;
        if (Backup is not null)
        {
            Backup.StateChanged += OnMemberStateChanged;
        }
    }

    public string Name => _options.Name;
    public HsmConnection Primary { get; }
    public HsmConnection? Backup { get; }

    public HsmMember Active { get { lock (_lock) { return _active; } } }
    public HsmConnection ActiveConnection => Active == HsmMember.Backup && Backup is not null ? Backup : Primary;
    public HsmGroupState State { get { lock (_lock) { return _state; } } }
    /// <summary>True after a manual <see cref="SwitchToAsync"/> to the backup: no automatic fail-back.</summary>
    public bool ManualOverride { get { lock (_lock) { return _manual; } } }
    public int ConsecutiveGoodPrimaryProbes { get { lock (_lock) { return _goodProbes; } } }
    public IReadOnlyList<HsmStateTransition<HsmGroupState>> History { get { lock (_lock) { return [.. _history]; } } }

    /// <summary>Raised (outside locks) when the group state or the active member changes.</summary>
    public event EventHandler<HsmGroupStateChangedEventArgs>? StateChanged;

    /// <summary>Keep-alive on/off; takes effect immediately.</summary>
    public bool KeepAliveEnabled
    {
        get { lock (_lock) { return _keepAliveEnabled; } }
        set { lock (_lock) { _keepAliveEnabled = value; } RescheduleTimer(); }
    }

    /// <summary>Keep-alive interval; takes effect immediately.</summary>
    public TimeSpan KeepAliveInterval
    {
        get { lock (_lock) { return _keepAliveInterval; } }
        set
        {
            ArgumentOutOfRangeException.ThrowIfLessThanOrEqual(value, TimeSpan.Zero);
            lock (_lock) { _keepAliveInterval = value; }
            RescheduleTimer();
        }
    }

    /// <summary>Connects both members (a failing member keeps reconnecting in the background) and starts the keep-alive.</summary>
    public async Task StartAsync(CancellationToken cancellationToken = default)
    {
        var tasks = new List<Task> { ConnectQuietly(Primary, cancellationToken) };
        if (Backup is not null)
        {
            tasks.Add(ConnectQuietly(Backup, cancellationToken));
        }

        await Task.WhenAll(tasks).ConfigureAwait(false);
        Evaluate("started");
        RescheduleTimer();
    }

    private async Task ConnectQuietly(HsmConnection c, CancellationToken ct)
    {
        try
        {
            await c.ConnectAsync(ct).ConfigureAwait(false);
        }
        catch (HsmException e)
        {
            _log.LogWarning("HSM group {Group}: member {Member} did not connect at start ({Kind}): {Message}", Name, c.Name, e.Kind, e.Message);
        }
    }

    // ---------------------------------------------------------------- operations

    /// <summary>Signs on the active member (see <see cref="HsmConnection.SignAsync"/>), failing over once if needed.</summary>
    public Task<byte[]> SignAsync(byte[] ckaId, KeyAlgorithm algorithm, byte[] message, CancellationToken cancellationToken = default) =>
        ExecuteAsync(c => c.SignAsync(ckaId, algorithm, message, cancellationToken));

    /// <summary>Signs several digests in one call on the active member (see <see cref="HsmConnection.SignDigestsAsync"/>).</summary>
    public Task<byte[][]> SignDigestsAsync(byte[] ckaId, KeyAlgorithm algorithm, IReadOnlyList<byte[]> digests, CancellationToken cancellationToken = default) =>
        ExecuteAsync(c => c.SignDigestsAsync(ckaId, algorithm, digests, cancellationToken));

    /// <summary>Generates on the active member. The key exists only on that token unless provisioned on the other.</summary>
    public Task<byte[]> GenerateKeyPairAsync(KeyAlgorithm algorithm, string label, byte[] ckaId, CancellationToken cancellationToken = default) =>
        ExecuteAsync(c => c.GenerateKeyPairAsync(algorithm, label, ckaId, cancellationToken));

    public Task<byte[]> GetPublicKeySpkiAsync(byte[] ckaId, CancellationToken cancellationToken = default) =>
        ExecuteAsync(c => c.GetPublicKeySpkiAsync(ckaId, cancellationToken));

    public Task<IReadOnlyList<HsmKeyInfo>> FindKeyIdsAsync(CancellationToken cancellationToken = default) =>
        ExecuteAsync(c => c.FindKeyIdsAsync(cancellationToken));

    /// <summary>
    /// Runs an operation on the active member. On a connection-class error, if the other member is not Down, switches
    /// to it and retries once.
    /// </summary>
    public async Task<T> ExecuteAsync<T>(Func<HsmConnection, Task<T>> operation)
    {
        ObjectDisposedException.ThrowIf(_disposed, this);
        var (member, conn) = ChooseMember();
        try
        {
            return await operation(conn).ConfigureAwait(false);
        }
        catch (HsmException e) when (e.IsConnectionClass && Other(member) is { } other && other.State != HsmConnectionState.Down)
        {
            SwitchAutomatically(member == HsmMember.Primary ? HsmMember.Backup : HsmMember.Primary, $"{conn.Name} failed: {e.Kind} {e.Ckr}".TrimEnd());
            return await operation(other).ConfigureAwait(false);
        }
        finally
        {
            Evaluate("operation");
        }
    }

    private HsmConnection? Other(HsmMember member) => member == HsmMember.Primary ? Backup : Primary;

    private (HsmMember, HsmConnection) ChooseMember()
    {
        HsmMember active;
        lock (_lock)
        {
            active = _active;
        }

        var conn = active == HsmMember.Backup && Backup is not null ? Backup : Primary;
        if (conn.State == HsmConnectionState.Down && Other(active) is { State: not HsmConnectionState.Down } other)
        {
            // Do not wait for a failing call: the active member is already known to be down.
            var target = active == HsmMember.Primary ? HsmMember.Backup : HsmMember.Primary;
            SwitchAutomatically(target, $"{conn.Name} is down: {conn.StateReason}");
            return (target, other);
        }

        return (active, conn);
    }

    private void SwitchAutomatically(HsmMember to, string reason)
    {
        lock (_lock)
        {
            if (_active == to)
            {
                return;
            }

            _active = to;
            _goodProbes = 0;
            if (to == HsmMember.Primary)
            {
                _manual = false;
            }
        }

        // Failing over is an outage of the active HSM (error); failing back means it recovered (information).
        _log.Log(to == HsmMember.Backup ? LogLevel.Error : LogLevel.Information, "HSM group {Group}: {Switch} {Member}: {Reason}",
            Name, to == HsmMember.Backup ? "failed over to" : "failed back to", to, reason);
        Evaluate(to == HsmMember.Backup ? $"failed over to backup: {reason}" : $"switched to primary: {reason}", force: true);
    }

    /// <summary>
    /// Manual switch. To the backup: stays there (no automatic fail-back) until switched back. To the primary: clears
    /// the override. Refuses a member that is Down or not configured.
    /// </summary>
    public Task SwitchToAsync(HsmMember member, CancellationToken cancellationToken = default)
    {
        ObjectDisposedException.ThrowIf(_disposed, this);
        var target = member == HsmMember.Backup
            ? Backup ?? throw new HsmException(HsmErrorKind.Other, $"HSM group '{Name}' has no backup configured.")
            : Primary;
        if (target.State == HsmConnectionState.Down)
        {
            throw new HsmException(HsmErrorKind.Connection, $"HSM group '{Name}': cannot switch to {member} '{target.Name}': it is down ({target.StateReason}).", null, target.Name);
        }

        lock (_lock)
        {
            _active = member;
            _manual = member == HsmMember.Backup;
            _goodProbes = 0;
        }

        _log.LogWarning("HSM group {Group}: manually switched to {Member}.", Name, member);
        Evaluate($"manual switch to {member}", force: true);
        return Task.CompletedTask;
    }

    // ---------------------------------------------------------------- keep-alive

    /// <summary>
    /// One keep-alive round: probes both members; counts consecutive good primary probes while on the backup and fails
    /// back after <see cref="HsmFailoverOptions.FailbackAfterGoodProbes"/> (unless manually overridden).
    /// </summary>
    public async Task<HsmKeepAliveRound> ProbeNowAsync(CancellationToken cancellationToken = default)
    {
        var primaryProbe = await Primary.ProbeAsync(cancellationToken).ConfigureAwait(false);
        var backupProbe = Backup is null ? null : await Backup.ProbeAsync(cancellationToken).ConfigureAwait(false);
        bool failBack = false;
        int good;
        lock (_lock)
        {
            if (_active == HsmMember.Backup && !_manual)
            {
                _goodProbes = primaryProbe.Success ? _goodProbes + 1 : 0;
                if (_goodProbes >= Math.Max(1, _options.FailbackAfterGoodProbes))
                {
                    failBack = true;
                }
            }
            else
            {
                _goodProbes = 0;
            }

            good = _goodProbes;
        }

        if (failBack)
        {
            SwitchAutomatically(HsmMember.Primary, $"failed back after {good} consecutive good probes of {Primary.Name}");
        }
        else if (Active == HsmMember.Primary && !primaryProbe.Success && Backup is { State: not HsmConnectionState.Down } && !ManualOverride)
        {
            if (Primary.State == HsmConnectionState.Down)
            {
                SwitchAutomatically(HsmMember.Backup, $"keep-alive probe of {Primary.Name} failed: {primaryProbe.ErrorKind}");
            }
        }

        Evaluate("keep-alive");
        return new HsmKeepAliveRound(primaryProbe, backupProbe, Active, State, good);
    }

    private void OnTimer()
    {
        if (Interlocked.Exchange(ref _roundRunning, 1) == 1)
        {
            return;
        }

        _ = Task.Run(async () =>
        {
            try
            {
                await ProbeNowAsync().ConfigureAwait(false);
            }
            catch (Exception e) when (e is not OutOfMemoryException)
            {
                _log.LogWarning(e, "HSM group {Group}: keep-alive round failed.", Name);
            }
            finally
            {
                Volatile.Write(ref _roundRunning, 0);
            }
        });
    }

    private void RescheduleTimer()
    {
        bool enabled;
        TimeSpan interval;
        lock (_lock)
        {
            if (_disposed)
            {
                return;
            }

            enabled = _keepAliveEnabled;
            interval = _keepAliveInterval;
        }

        _timer.Change(enabled ? interval : Timeout.InfiniteTimeSpan, enabled ? interval : Timeout.InfiniteTimeSpan);
    }

    // ---------------------------------------------------------------- state

    private void OnMemberStateChanged(object? sender, HsmStateChangedEventArgs e)
    {
        if (_disposed)
        {
            return;
        }

        if (ReferenceEquals(sender, Primary) && e.Transition.To == HsmConnectionState.Down && Active == HsmMember.Primary
            && Backup is { State: not HsmConnectionState.Down } && !ManualOverride)
        {
            SwitchAutomatically(HsmMember.Backup, $"{Primary.Name} went down: {e.Transition.Reason}");
            return;
        }

        Evaluate($"{e.HsmName}: {e.Transition.From} -> {e.Transition.To}");
    }

    private void Evaluate(string reason, bool force = false)
    {
        HsmStateTransition<HsmGroupState>? t = null;
        HsmMember active;
        lock (_lock)
        {
            active = _active;
            HsmGroupState next;
            if (active == HsmMember.Backup && Backup is not null)
            {
                next = Backup.State == HsmConnectionState.Down ? HsmGroupState.Down : HsmGroupState.FailedOver;
            }
            else
            {
                next = Primary.State switch
                {
                    HsmConnectionState.Down => HsmGroupState.Down,
                    HsmConnectionState.Degraded => HsmGroupState.Degraded,
                    _ => Backup is { State: HsmConnectionState.Down } ? HsmGroupState.Degraded : HsmGroupState.Connected,
                };
            }

            if (next != _state || force)
            {
                t = new HsmStateTransition<HsmGroupState>(_options.TimeProvider.GetUtcNow(), _state, next, $"{reason} (active: {active})");
                _history.Enqueue(t);
                while (_history.Count > Math.Max(1, _options.HistoryCapacity))
                {
                    _history.Dequeue();
                }

                _state = next;
            }
        }

        if (t is not null)
        {
            _log.Log(t.To switch { HsmGroupState.Down => LogLevel.Error, HsmGroupState.FailedOver => LogLevel.Warning, _ => LogLevel.Information },
                "HSM group {Group}: {From} -> {To}: {Reason}", Name, t.From, t.To, t.Reason);
            StateChanged?.Invoke(this, new HsmGroupStateChangedEventArgs(Name, t, active));
        }
    }

    public override string ToString() => $"HsmFailoverGroup({Name}, {State}, active={Active})";

    /// <summary>Stops the keep-alive. Does not dispose the member connections (the caller owns them).</summary>
    public async ValueTask DisposeAsync()
    {
        lock (_lock)
        {
            if (_disposed)
            {
                return;
            }

            _disposed = true;
        }

        Primary.StateChanged -= OnMemberStateChanged;
        if (Backup is not null)
        {
            Backup.StateChanged -= OnMemberStateChanged;
        }

        await _timer.DisposeAsync().ConfigureAwait(false);
    }
}
