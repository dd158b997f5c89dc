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
/// <remarks>
/// The class is split by concern: HsmConnection.Connect.cs (connect, reconnect loop), .State.cs (state and history),
/// .Login.cs (C_Login, the PIN latch, PIN change, login test), .Sessions.cs (worker calls, the session pool and its
/// error policy), .Keys.cs (key objects by CKA_ID), .Signing.cs and .Diagnostics.cs (probe, info, slots, mechanisms).
/// </remarks>
public sealed partial class HsmConnection : IAsyncDisposable, IDisposable
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

    private ConnectedSessions? _ctx;
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

    public override string ToString() => $"HsmConnection({Name}, {State}, token={_options.TokenLabel ?? _options.TokenSerial})";

    // ---------------------------------------------------------------- dispose

    public async ValueTask DisposeAsync()
    {
        Task? loop;
        ConnectedSessions? ctx;
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
