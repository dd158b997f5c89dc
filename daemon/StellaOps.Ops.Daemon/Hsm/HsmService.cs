using System.Text;
using Microsoft.Extensions.Hosting;
using Microsoft.Extensions.Logging;
using Microsoft.Extensions.Options;
using StellaOps.Ops.Contracts;
using StellaOps.Ops.Contracts.Rpc;
using StellaOps.Ops.Daemon.Observability;
using StellaOps.Ops.Hsm;

namespace StellaOps.Ops.Daemon.Hsm;

/// <summary>
/// Owns the HSM failover group (primary + optional backup). Connects in the background at start (a down HSM does not
/// stop the daemon), applies hsm.session.* changes live (keep-alive at once; a new call deadline by rebuilding the
/// connections), reloads the module on request, and keeps a history of state changes for status.
/// </summary>
public sealed class HsmService : IHostedService, IAsyncDisposable
{
    public const string GroupName = "hsm";
    private const int HistoryCapacity = 200;

    private readonly IOptionsMonitor<HsmOptions> _options;
    private readonly ILoggerFactory _loggers;
    private readonly ILogger _log;
    private readonly HsmDevelopmentToken? _devToken;
    private readonly Pkcs11LibraryValidator? _libraries;
    private readonly HsmSelfTestKey? _selfTestKey;
    private readonly SemaphoreSlim _gate = new(1, 1);
    private readonly Queue<HsmStateChange> _history = new();
    private readonly CancellationTokenSource _stopping = new();
    private IDisposable? _onChange;
    private volatile HsmRuntime? _runtime;
    private volatile string? _configError;
    private volatile bool _starting = true;
    private Task _started = Task.CompletedTask;
    private readonly AuditLog? _audit;

    public HsmService(IOptionsMonitor<HsmOptions> options, ILoggerFactory loggers, HsmDevelopmentToken? devToken = null, Pkcs11LibraryValidator? libraries = null, HsmSelfTestKey? selfTestKey = null,
        AuditLog? audit = null)
    {
        _audit = audit;
        _options = options;
        _loggers = loggers;
        _devToken = devToken;
        _libraries = libraries;
        _selfTestKey = selfTestKey;
        _log = loggers.CreateLogger("StellaOps.Ops.Daemon.Hsm.HsmService");
    }

    /// <summary>The group and its members now; null when not configured.</summary>
    public HsmRuntime? Runtime => _runtime;
    public bool IsConfigured => _runtime is not null;
    /// <summary>True until the first connect attempt of both members finished.</summary>
    public bool Starting => _starting && _runtime is not null;
    public string? ConfigurationError => _configError;
    public HsmOptions Options => _options.CurrentValue;

    /// <summary>Completes when the first connect attempt of the members and their self-test key provisioning are done.</summary>
    public Task WhenStarted => _started;

    /// <summary>True when the running connections use the per-user development token (<see cref="HsmDevelopmentToken"/>).</summary>
    public bool UsesDevelopmentToken => _runtime?.Config.DevelopmentToken == true;

    public IReadOnlyList<HsmStateChange> History { get { lock (_history) { return [.. _history]; } } }

    // ---------------------------------------------------------------- lifetime

    public Task StartAsync(CancellationToken cancellationToken)
    {
        // The audit of PIN changes a stop interrupted, from the PIN files, before anything logs in with them.
        if (_audit is not null) HsmPinChangeIntent.SettleInterrupted(_audit);
        var o = Effective(_options.CurrentValue);

        if (!o.IsConfigured)
        {
            _starting = false;
            _log.LogInformation("HSM: not configured (no Hsm:Primary:TokenLabel or TokenSerial); HSM operations answer HsmNotConfigured.");
        }
        else
        {
            try
            {
                var rt = Build(o, PrimaryLibrary(o));
                _runtime = rt;
                Record("group", "NotConfigured", "Starting", $"configured: primary token {Describe(o.Primary)}{(rt.Group.Backup is null ? "" : ", backup token " + Describe(o.Backup))}");
                _started = Task.Run(async () =>
                {
                    try
                    {
                        await rt.Group.StartAsync(_stopping.Token).ConfigureAwait(false);
                        await rt.SelfTestKeyProvisioningAsync().ConfigureAwait(false);
                    }
                    catch (Exception e) when (e is OperationCanceledException or ObjectDisposedException) { }
                    catch (Exception e) when (e is not OutOfMemoryException) { _log.LogError(e, "HSM: start failed."); }
                    finally { _starting = false; }
                });
            }
            catch (Exception e) when (e is ArgumentException or HsmException or IOException or OpsException)
            {
                _configError = e.Message;
                _starting = false;
                _log.LogError("HSM: configuration refused: {Message}", e.Message);
            }
        }

        _onChange = _options.OnChange(o2 => _ = ApplyLiveAsync(o2));
        return Task.CompletedTask;
    }

    public async Task StopAsync(CancellationToken cancellationToken)
    {
        _onChange?.Dispose();
        _stopping.Cancel();
        var rt = _runtime;
        _runtime = null;
        if (rt is not null)
        {
            await DisposeRuntimeAsync(rt).WaitAsync(TimeSpan.FromSeconds(10), CancellationToken.None).ConfigureAwait(false);
        }
    }

    public async ValueTask DisposeAsync()
    {
        _onChange?.Dispose();
        if (!_stopping.IsCancellationRequested) _stopping.Cancel();
        var rt = _runtime;
        _runtime = null;
        if (rt is not null)
        {
            try { await DisposeRuntimeAsync(rt).WaitAsync(TimeSpan.FromSeconds(10)).ConfigureAwait(false); }
            catch (TimeoutException) { }
        }
    }

    /// <summary>The configured options, or the development token's when per-user development mode provides one.</summary>
    private HsmOptions Effective(HsmOptions o)
    {
        if (o.IsConfigured || _devToken is null)
        {
            return o;
        }

        try
        {
            return _devToken.Apply(o);
        }
        catch (Exception e) when (e is not OutOfMemoryException)
        {
            _log.LogWarning("HSM: could not provision the development SoftHSM token: {Message}", e.Message);
            return o;
        }
    }

    // ---------------------------------------------------------------- building

    private static string PrimaryLibrary(HsmOptions o) =>
        string.IsNullOrWhiteSpace(o.Primary.LibraryPath) ? o.Pkcs11.LibraryPath : o.Primary.LibraryPath;

    private static string BackupLibrary(HsmOptions o, string primaryLibrary) =>
        string.IsNullOrWhiteSpace(o.Backup.LibraryPath) ? primaryLibrary : o.Backup.LibraryPath;

    private static string Describe(HsmMemberOptions m) =>
        string.Join(" ", new[] { m.TokenLabel is { Length: > 0 } l ? $"label '{l}'" : null, m.TokenSerial is { Length: > 0 } s ? $"serial '{s}'" : null }.Where(x => x is not null));

    internal static string ConfigurationFingerprint(HsmOptions o, string primaryLibrary) =>
        o.Primary.ConfigurationFingerprint(primaryLibrary) + "#" + (o.Backup.HasToken ? o.Backup.ConfigurationFingerprint(BackupLibrary(o, primaryLibrary)) : "-")
        + "#" + o.Session.Timeout.Value.Ticks + "#" + o.FailbackProbes + "#" + o.ReconnectMaxDelay.Value.Ticks;

    private HsmRuntime Build(HsmOptions o, string primaryLibrary)
    {
        if (string.IsNullOrWhiteSpace(primaryLibrary))
        {
            throw new ArgumentException("No PKCS#11 module: set hsm.pkcs11.library_path ('stella crypto hsm config set pkcs11.library_path <path>').");
        }

        // Loading a module runs its code in this process: only one root controls, or one the configuration names.
        _libraries?.Demand(primaryLibrary);
        if (o.Backup.HasToken) _libraries?.Demand(BackupLibrary(o, primaryLibrary));

        var timeout = o.Session.Timeout.Value > TimeSpan.Zero ? o.Session.Timeout.Value : TimeSpan.FromSeconds(30);
        HsmConnection Member(string name, HsmMemberOptions m, string library) => new(new HsmConnectionOptions
        {
            Name = name,
            LibraryPath = library,
            TokenLabel = string.IsNullOrWhiteSpace(m.TokenLabel) ? null : m.TokenLabel.Trim(),
            TokenSerial = string.IsNullOrWhiteSpace(m.TokenSerial) ? null : m.TokenSerial.Trim(),
            PinProvider = PinSource(name, m),
            CallTimeout = timeout,
            KeyGenerationTimeout = timeout > TimeSpan.FromSeconds(60) ? timeout : TimeSpan.FromSeconds(60),
            PoolSize = Math.Max(1, m.PoolSize),
            NativeEnvironment = m.Environment.Count == 0 ? null : new Dictionary<string, string>(m.Environment, StringComparer.Ordinal),
            ReconnectMaxDelay = o.ReconnectMaxDelay.Value > TimeSpan.Zero ? o.ReconnectMaxDelay.Value : TimeSpan.FromSeconds(30),
            Logger = _loggers.CreateLogger("StellaOps.Ops.Daemon.Hsm.Pkcs11." + name),
        });

        CheckPinSource("primary", o.Primary);
        var primary = Member("primary", o.Primary, primaryLibrary);
        HsmConnection? backup = null;
        if (o.Backup.HasToken)
        {
            CheckPinSource("backup", o.Backup);
            backup = Member("backup", o.Backup, BackupLibrary(o, primaryLibrary));
        }

        var group = new HsmFailoverGroup(primary, backup, new HsmFailoverOptions
        {
            Name = GroupName,
            FailbackAfterGoodProbes = Math.Max(1, o.FailbackProbes),
            KeepAliveEnabled = o.Session.Keepalive,
            KeepAliveInterval = o.Session.KeepaliveInterval.Value > TimeSpan.Zero ? o.Session.KeepaliveInterval.Value : TimeSpan.FromSeconds(60),
            Logger = _loggers.CreateLogger("StellaOps.Ops.Daemon.Hsm.Failover"),
        });
        var rt = new HsmRuntime(group, o, primaryLibrary, ConfigurationFingerprint(o, primaryLibrary), timeout);
        group.StateChanged += (_, e) =>
        {
            if (ReferenceEquals(_runtime, rt) || _runtime is null)
            {
                Record("group", e.Transition.From.ToString(), e.Transition.To.ToString(), e.Transition.Reason, e.Transition.Timestamp);
            }
        };
        foreach (var c in new[] { primary, backup })
        {
            if (c is null) continue;
            c.StateChanged += (_, e) =>
            {
                if (ReferenceEquals(_runtime, rt) || _runtime is null)
                {
                    Record(e.HsmName, e.Transition.From.ToString(), e.Transition.To.ToString(), e.Transition.Reason, e.Transition.Timestamp);
                }

                // Connected (at start, or back after an outage): the daemon makes sure the token holds the self-test key.
                if (e.Transition.From == HsmConnectionState.Down && e.Transition.To != HsmConnectionState.Down)
                {
                    ProvisionSelfTestKey(rt, c);
                }
            };
        }

        return rt;
    }

    /// <summary>Refuses a PIN file others can read, up front, with a message that says how to fix it (never the PIN).</summary>
    private void CheckPinSource(string name, HsmMemberOptions m)
    {
        try
        {
            PinSource(name, m, validateOnly: true)();
        }
        catch (HsmException e)
        {
            _configError = e.Message;
            _log.LogError("HSM {Member}: {Message}", name, e.Message);
        }

        if (!string.IsNullOrWhiteSpace(m.PinFile) && HsmPinFileChange.Leftover(m.PinFile) is { } leftover)
        {
            _log.LogWarning("HSM {Member}: '{Staged}' exists ({What}): a PIN change was interrupted, or someone else put it there. If the token refuses the PIN in '{PinFile}' (HsmPinIncorrect), it may have the PIN in the .new file: as the daemon's user move that over the PIN file and run 'stella crypto hsm reconnect'. Otherwise remove it; the next PIN change refuses to start while it exists.",
                name, HsmPinFileChange.StagedPathOf(m.PinFile), leftover, m.PinFile);
        }
    }

    internal static HsmPinProvider PinSource(string name, HsmMemberOptions m, bool validateOnly = false)
    {
        string prefix = name == "primary" ? "Hsm:Primary" : "Hsm:Backup";
        if (!string.IsNullOrWhiteSpace(m.PinFile))
        {
            string path = m.PinFile;
            return () =>
            {
                if (!File.Exists(path))
                {
                    throw new HsmException(HsmErrorKind.Other, $"The PIN file '{path}' ({prefix}:PinFile) does not exist or the daemon's user cannot see it.", null, name);
                }

                if (HsmPin.RefusedPinFileMode(path) is { } mode)
                {
                    throw new HsmException(HsmErrorKind.Other,
                        $"The PIN file '{path}' ({prefix}:PinFile) is accessible by group or others (mode {Convert.ToString((int)mode, 8)}); the daemon refuses it. Run: chmod 600 '{path}' (owned by the daemon's user), then 'stella crypto hsm reconnect'.", null, name);
                }

                if (HsmPin.UntrustedPinFile(path) is { } problem)
                {
                    throw new HsmException(HsmErrorKind.Other,
                        $"The PIN file ({prefix}:PinFile) cannot be relied on: {problem}; the daemon refuses it. {problem.Fix} Then 'stella crypto hsm reconnect'.", null, name);
                }

                if (validateOnly)
                {
                    return [];
                }

                try
                {
                    return HsmPin.FromFile(path)();
                }
                catch (Exception e) when (e is IOException or UnauthorizedAccessException)
                {
                    throw new HsmException(HsmErrorKind.Other, $"The PIN file '{path}' ({prefix}:PinFile) cannot be read by the daemon's user ({e.GetType().Name}).", null, name);
                }
            };
        }

        if (!string.IsNullOrWhiteSpace(m.PinEnvironmentVariable))
        {
            string variable = m.PinEnvironmentVariable;
            return () =>
            {
                string? value = Environment.GetEnvironmentVariable(variable);
                if (string.IsNullOrEmpty(value))
                {
                    throw new HsmException(HsmErrorKind.Other, $"The PIN environment variable '{variable}' ({prefix}:PinEnvironmentVariable) is not set in the daemon's environment.", null, name);
                }

                return validateOnly ? [] : Encoding.UTF8.GetBytes(value);
            };
        }

        return () => throw new HsmException(HsmErrorKind.Other,
            $"No PIN source for the {name} HSM: set {prefix}:PinFile (a file readable only by the daemon's user, chmod 600) or {prefix}:PinEnvironmentVariable.", null, name);
    }

    private static async Task DisposeRuntimeAsync(HsmRuntime rt)
    {
        await rt.Group.DisposeAsync().ConfigureAwait(false);
        await rt.Group.Primary.DisposeAsync().ConfigureAwait(false);
        if (rt.Group.Backup is { } b)
        {
            await b.DisposeAsync().ConfigureAwait(false);
        }
    }

    // ---------------------------------------------------------------- live changes

    private async Task ApplyLiveAsync(HsmOptions o)
    {
        try
        {
            await _gate.WaitAsync(_stopping.Token).ConfigureAwait(false);
        }
        catch (OperationCanceledException)
        {
            return;
        }

        try
        {
            var rt = _runtime;
            if (rt is null)
            {
                return;
            }

            var group = rt.Group;
            if (group.KeepAliveEnabled != o.Session.Keepalive)
            {
                group.KeepAliveEnabled = o.Session.Keepalive;
                _log.LogInformation("HSM: keep-alive {State} (hsm.session.keepalive).", o.Session.Keepalive ? "enabled" : "disabled");
            }

            if (o.Session.KeepaliveInterval.Value > TimeSpan.Zero && group.KeepAliveInterval != o.Session.KeepaliveInterval.Value)
            {
                group.KeepAliveInterval = o.Session.KeepaliveInterval.Value;
                _log.LogInformation("HSM: keep-alive interval now {Interval} (hsm.session.keepalive_interval).", o.Session.KeepaliveInterval);
            }

            if (o.Session.Timeout.Value > TimeSpan.Zero && o.Session.Timeout.Value != rt.CallTimeout)
            {
                // The call deadline is fixed per connection: build new connections with the new deadline (the module
                // stays loaded), switch to them, then close the old ones. Members are the running ones; a changed
                // library path waits for Reset -ReloadLibrary.
                var next = CopyWithSession(rt.Config, o.Session);
                _log.LogInformation("HSM: call deadline {Old} -> {New} (hsm.session.timeout); reconnecting with the new deadline.", (Duration)rt.CallTimeout, o.Session.Timeout);
                await RebuildAsync(next, rt.PrimaryLibrary, "hsm.session.timeout changed").ConfigureAwait(false);
            }
        }
        catch (Exception e) when (e is not OutOfMemoryException)
        {
            _log.LogError(e, "HSM: applying changed settings failed.");
        }
        finally
        {
            _gate.Release();
        }
    }

    private static HsmOptions CopyWithSession(HsmOptions running, HsmSessionOptions session) => new()
    {
        Session = new HsmSessionOptions { Timeout = session.Timeout, Keepalive = session.Keepalive, KeepaliveInterval = session.KeepaliveInterval },
        Pkcs11 = running.Pkcs11,
        Primary = running.Primary,
        Backup = running.Backup,
        FailbackProbes = running.FailbackProbes,
        SelfTestKeyId = running.SelfTestKeyId,
        ReconnectMaxDelay = running.ReconnectMaxDelay,
        DevelopmentToken = running.DevelopmentToken,
    };

    /// <summary>Caller holds the gate.</summary>
    private async Task RebuildAsync(HsmOptions o, string primaryLibrary, string reason)
    {
        var old = _runtime;
        var next = Build(o, primaryLibrary);
        _runtime = next;
        Record("group", old?.Group.State.ToString() ?? "NotConfigured", "Reconfiguring", reason);
        try
        {
            await next.Group.StartAsync(_stopping.Token).ConfigureAwait(false);
            await next.SelfTestKeyProvisioningAsync().ConfigureAwait(false);
        }
        finally
        {
            _starting = false;
            if (old is not null)
            {
                // Old sessions close in the background, bounded: a hung HSM must not block the new connections.
                _ = Task.Run(async () =>
                {
                    try { await DisposeRuntimeAsync(old).WaitAsync(TimeSpan.FromSeconds(30)).ConfigureAwait(false); }
                    catch (Exception e) when (e is not OutOfMemoryException) { _log.LogDebug("HSM: closing the previous connections: {Message}", e.Message); }
                });
            }
        }

        Record("group", "Reconfiguring", next.Group.State.ToString(), $"{reason}: connections rebuilt (call deadline {(Duration)next.CallTimeout})");
    }

    // ---------------------------------------------------------------- operator actions

    /// <summary>Reconnect (new sessions, login again, PIN-failure latch cleared); with <paramref name="reloadLibrary"/> also reloads the module, applying hsm.pkcs11.library_path and changed member settings.</summary>
    /// <summary>
    /// Reload (stella attest reload): session settings already apply live, so the connections are left alone unless
    /// the configured tokens, module or PIN sources changed, which needs the module reloaded with the new members. A
    /// down HSM is reported (the reload turns it into a warning) so "switch to software, reload" says where things stand.
    /// </summary>
    public async Task ApplyReloadAsync(CancellationToken cancellationToken)
    {
        if (_runtime is not { } rt) return;
        var o = Effective(_options.CurrentValue);
        if (o.IsConfigured && ConfigurationFingerprint(o, PrimaryLibrary(o)) != rt.ConfigurationFingerprint)
        {
            await ResetAsync(reloadLibrary: true, cancellationToken).ConfigureAwait(false);
            return;
        }
        if (OverallState() == HsmOverallState.Down)
        {
            var error = GetStatus().Members.Select(m => m.LastError).FirstOrDefault(e => !string.IsNullOrEmpty(e)) ?? "no answer";
            throw new OpsException(OpsErrorCode.HsmUnavailable, $"The HSM is down ({error}); signing in hsm mode fails until it returns.", "hsm", HsmErrors.Action(HsmErrorKind.Connection));
        }
    }

    public async Task ResetAsync(bool reloadLibrary, CancellationToken cancellationToken)
    {
        await _gate.WaitAsync(cancellationToken).ConfigureAwait(false);
        try
        {
            var rt = _runtime ?? throw HsmErrors.NotConfigured();
            var o = Effective(_options.CurrentValue);
            if (!o.IsConfigured)
            {
                throw HsmErrors.NotConfigured("The configuration no longer names a token (Hsm:Primary:TokenLabel/TokenSerial)");
            }

            string library = reloadLibrary ? PrimaryLibrary(o) : rt.PrimaryLibrary;
            var effective = reloadLibrary ? o : CopyWithSession(rt.Config, o.Session);
            // A reload loads the module file again: it is checked again, as it is now on disk.
            if (reloadLibrary) _libraries?.Demand(library);
            if (ConfigurationFingerprint(effective, library) != rt.ConfigurationFingerprint)
            {
                _log.LogWarning("HSM: reset{Reload} with changed configuration (module {Library}); rebuilding the connections.", reloadLibrary ? " with module reload" : "", library);
                // A configuration the library refuses (a module already initialised with another environment, …)
                // is the operator's to fix: a typed error with the reason, not an internal error.
                try { await RebuildAsync(effective, library, reloadLibrary ? "reset with module reload (configuration changed)" : "reset (configuration changed)").ConfigureAwait(false); }
                catch (HsmException e) { throw HsmErrors.ToOps(e, "reset with the changed configuration"); }
                return;
            }

            _log.LogWarning("HSM: reset requested{Reload}.", reloadLibrary ? " with module reload" : "");
            Record("group", rt.Group.State.ToString(), rt.Group.State.ToString(), reloadLibrary ? "operator reset with module reload" : "operator reset (reconnect)");
            HsmException? first = null;
            // Each module is reloaded once: members sharing it (two tokens of one module) reconnect on the instance the
            // first one loaded; reloading it again would pull the fresh sessions out from under the member before.
            var reloaded = new HashSet<Pkcs11Library>();
            foreach (var c in rt.Members)
            {
                c.ResetPinFailure();
                try
                {
                    if (reloadLibrary && reloaded.Add(c.Library)) await c.ReloadLibraryAsync(cancellationToken).ConfigureAwait(false);
                    else await c.ReconnectAsync(cancellationToken).ConfigureAwait(false);
                }
                catch (HsmException e)
                {
                    first ??= e;
                    _log.LogWarning("HSM {Member}: reconnect failed ({Kind}): {Message}", c.Name, e.Kind, e.Message);
                }
            }

            if (rt.Group.Active == HsmMember.Backup && !rt.Group.ManualOverride && rt.Group.Primary.State != HsmConnectionState.Down)
            {
                await rt.Group.SwitchToAsync(HsmMember.Primary, cancellationToken).ConfigureAwait(false);
            }

            // The operator's reconnect also gives a connected token that lost its self-test key a new one.
            foreach (var c in rt.Members) ProvisionSelfTestKey(rt, c);
            await rt.SelfTestKeyProvisioningAsync().ConfigureAwait(false);

            if (first is not null && rt.Group.Primary.State == HsmConnectionState.Down && rt.Group.Backup is not { State: not HsmConnectionState.Down })
            {
                throw HsmErrors.ToOps(first, "reconnect");
            }
        }
        finally
        {
            _gate.Release();
        }
    }

    /// <summary>
    /// Puts the self-test key on <paramref name="c"/> if it lacks it, in the background (a connect is not held up by
    /// it); the Sign self-test waits for a provisioning still in progress. The caller's identity flows into the audit.
    /// </summary>
    private void ProvisionSelfTestKey(HsmRuntime rt, HsmConnection c)
    {
        if (_selfTestKey is not { } key) return;
        rt.TrackSelfTestKeyProvisioning(c, Task.Run(async () =>
        {
            try { await key.EnsureAsync(rt, c, _stopping.Token).ConfigureAwait(false); }
            catch (Exception e) when (e is OperationCanceledException or ObjectDisposedException) { }
        }));
    }

    public async Task SwitchAsync(HsmMemberRole to, CancellationToken cancellationToken)
    {
        var rt = _runtime ?? throw HsmErrors.NotConfigured();
        if (to == HsmMemberRole.Backup && rt.Group.Backup is null)
        {
            throw new OpsException(OpsErrorCode.HsmNotConfigured, "No backup HSM is configured.", "backup",
                "Configure Hsm:Backup:TokenLabel (or TokenSerial), Hsm:Backup:PinFile and, if it differs, Hsm:Backup:LibraryPath in opsd.json; the backup token must hold copies of the keys (same CKA_IDs). Then restart the daemon.");
        }

        await HsmErrors.Map("failover", async () =>
        {
            await rt.Group.SwitchToAsync(to == HsmMemberRole.Backup ? HsmMember.Backup : HsmMember.Primary, cancellationToken).ConfigureAwait(false);
            return true;
        }).ConfigureAwait(false);
        Record("group", rt.Group.State.ToString(), rt.Group.State.ToString(), $"operator switched to {to}");
    }

    public HsmRuntime Require() => _runtime ?? throw (_configError is { } err
        ? new OpsException(OpsErrorCode.HsmNotConfigured, $"The HSM configuration was refused: {err}", "hsm", HsmErrors.ConfigureAction)
        : HsmErrors.NotConfigured());

    // ---------------------------------------------------------------- status

    public HsmOverallState OverallState()
    {
        var rt = _runtime;
        if (rt is null) return _configError is null ? HsmOverallState.NotConfigured : HsmOverallState.Down;
        return rt.Group.State switch
        {
            HsmGroupState.Connected => HsmOverallState.Connected,
            HsmGroupState.Degraded => HsmOverallState.Degraded,
            HsmGroupState.FailedOver => HsmOverallState.FailedOver,
            _ => HsmOverallState.Down,
        };
    }

    public HsmStatus GetStatus()
    {
        var rt = _runtime;
        var o = _options.CurrentValue;
        if (rt is null)
        {
            return new HsmStatus
            {
                State = OverallState(),
                Active = HsmMemberRole.Primary,
                KeepAlive = o.Session.Keepalive,
                KeepAliveInterval = o.Session.KeepaliveInterval,
                SessionTimeout = o.Session.Timeout,
                History = History,
            };
        }

        var members = new List<HsmMemberStatus> { Member(rt.Group.Primary, HsmMemberRole.Primary) };
        if (rt.Group.Backup is { } b) members.Add(Member(b, HsmMemberRole.Backup));
        return new HsmStatus
        {
            State = OverallState(),
            Active = rt.Group.Active == HsmMember.Backup ? HsmMemberRole.Backup : HsmMemberRole.Primary,
            Members = members,
            KeepAlive = rt.Group.KeepAliveEnabled,
            KeepAliveInterval = rt.Group.KeepAliveInterval,
            SessionTimeout = rt.CallTimeout,
            History = History,
        };
    }

    private static HsmMemberStatus Member(HsmConnection c, HsmMemberRole role)
    {
        var i = c.GetInfo();
        return new HsmMemberStatus
        {
            Name = i.Name,
            Role = role,
            State = i.State.ToString() + (i.PinFailureLatched ? " (PIN failure: login suspended)" : ""),
            LibraryPath = i.LibraryPath,
            LibraryLoaded = c.Library.IsLoaded,
            LibraryDescription = i.LibraryDescription,
            Manufacturer = i.LibraryManufacturer,
            CryptokiVersion = i.CryptokiVersion,
            TokenLabel = i.TokenLabel ?? c.Options.TokenLabel,
            TokenSerial = i.TokenSerial ?? c.Options.TokenSerial,
            TokenModel = i.TokenModel,
            SlotId = i.SlotId,
            PersistentSessionOpen = i.Sessions.PersistentOpen,
            SessionsInUse = i.Sessions.PoolInUse,
            SessionsIdle = i.Sessions.PoolIdle,
            PoolSize = i.Sessions.PoolSize,
            LastError = i.State == HsmConnectionState.Down && i.StateReason is { } r && r != i.LastError ? i.StateReason : i.LastError,
            LastProbeAt = i.LastProbe?.Timestamp,
            LastProbeSucceeded = i.LastProbe?.Success,
            LastProbeLatency = i.LastProbe?.Latency,
            SessionsOpened = c.SessionsOpened,
            PeakSessionsInUse = c.MaxConcurrentPoolSessions,
            ConcurrentUseViolations = c.SessionConcurrencyViolations,
        };
    }

    internal void Record(string hsm, string from, string to, string reason, DateTimeOffset? at = null)
    {
        lock (_history)
        {
            _history.Enqueue(new HsmStateChange { Timestamp = at ?? DateTimeOffset.UtcNow, Hsm = hsm, From = from, To = to, Reason = reason });
            while (_history.Count > HistoryCapacity) _history.Dequeue();
        }
    }
}
