using System.Collections.Concurrent;
using System.Text.Json;
using Microsoft.Extensions.Hosting;
using Microsoft.Extensions.Logging;
using Microsoft.Extensions.Options;
using StellaOps.Ops.Contracts;
using StellaOps.Ops.Contracts.Rpc;
using StellaOps.Ops.Daemon.Hosting;
using StellaOps.Ops.Daemon.Observability;
using StreamJsonRpc;

namespace StellaOps.Ops.Daemon.Ipc;

/// <summary>
/// Accepts local connections, decides each caller's role from its OS credentials and serves JSON-RPC on it.
/// The endpoint is bound in StartAsync, so the host (and systemd's READY=1) only reports ready once clients
/// can connect. A bad client costs only its own connection: <see cref="ConnectionAdmission"/> bounds how many
/// each user and role may hold, a watchdog closes connections that stall or idle (<see cref="FrameGuardStream.Stalled"/>),
/// and what is logged about refused and closed connections is rate-limited per user and reason.
/// </summary>
public sealed class IpcServer(
    DaemonPaths paths,
    IOptionsMonitor<IpcOptions> options,
    RoleResolver roles,
    AuditLog audit,
    IServiceProvider services,
    ILoggerFactory loggerFactory) : BackgroundService
{
    private readonly ILogger _logger = loggerFactory.CreateLogger<IpcServer>();
    private readonly ConcurrentDictionary<long, Connection> _connections = new();
    private readonly ConnectionAdmission _admission = new();
    private readonly RepeatSuppressor<ConnectionEvent> _connectionEvents = new(AuditLog.RefusalInterval);
    private IConnectionListener? _listener;
    private long _nextId;

    /// <summary>Connections being served (refused ones, answered and closed at once, are not counted).</summary>
    public int ConnectionCount => _admission.Served;
    public string Endpoint => paths.Endpoint;

    public override Task StartAsync(CancellationToken cancellationToken)
    {
        foreach (var c in RpcContracts.All)
        {
            RpcMethodPolicy.ValidateContract(c.Interface, c.Prefix);
            if (services.GetService(c.Interface) is null)
                _logger.LogWarning("No implementation of {Contract} is registered: its requests will be answered 'method not found'", c.Interface.Name);
        }
        _listener = CreateListener();
        _listener.Start();
        _logger.LogInformation("Listening on {Endpoint}", paths.Endpoint);
        return base.StartAsync(cancellationToken);
    }

    protected override async Task ExecuteAsync(CancellationToken stoppingToken)
    {
        var watchdog = WatchAsync(stoppingToken);
        while (!stoppingToken.IsCancellationRequested)
        {
            AcceptedConnection accepted;
            try
            {
                accepted = await _listener!.AcceptAsync(stoppingToken).ConfigureAwait(false);
            }
            catch (OperationCanceledException) when (stoppingToken.IsCancellationRequested)
            {
                break;
            }
            catch (Exception ex)
            {
                _logger.LogWarning(ex, "Accepting a connection failed");
                await Task.Delay(50, stoppingToken).ConfigureAwait(false);
                continue;
            }

            var o = options.CurrentValue;
            var caller = accepted.Resolved ?? roles.Resolve(accepted.ProcessId, accepted.UserId, accepted.GroupId, accepted.Groups);
            var admission = _admission.Admit(caller, o, StrangerRefusal);
            if (admission.Kind != AdmissionKind.Served)
                Note(caller, admission.Reason, admission.Kind == AdmissionKind.Dropped ? "Closed a connection unanswered (too many refused connections at once)" : "Refused a connection");
            if (admission.Kind == AdmissionKind.Dropped)
            {
                admission.Dispose();
                await accepted.Stream.DisposeAsync().ConfigureAwait(false);
                continue;
            }
            var context = new ConnectionContext(Interlocked.Increment(ref _nextId), caller) { Refusal = admission.Refusal };
            if (admission.Kind == AdmissionKind.Served) _logger.LogDebug("Connection {Id} from {Caller}", context.Id, caller);
            var guard = new FrameGuardStream(accepted.Stream, o.MaxMessageBytes);
            var connection = new Connection(context, guard);
            _connections[context.Id] = connection;
            connection.Serving = ServeAsync(accepted.Stream, guard, context);
            _ = connection.Serving.ContinueWith(_ =>
            {
                _connections.TryRemove(context.Id, out var _);
                admission.Dispose();
            }, TaskScheduler.Default);
        }
        await watchdog.ConfigureAwait(false);
    }

    public override async Task StopAsync(CancellationToken cancellationToken)
    {
        await base.StopAsync(cancellationToken).ConfigureAwait(false);
        if (_listener is not null) await _listener.DisposeAsync().ConfigureAwait(false);
        // In-flight requests are cancelled (their token includes the connection's) and given a moment to answer.
        foreach (var c in _connections.Values) c.Context.Close();
        var all = _connections.Values.Select(c => c.Serving).ToArray();
        await Task.WhenAny(Task.WhenAll(all), Task.Delay(TimeSpan.FromSeconds(5), CancellationToken.None)).ConfigureAwait(false);
        FlushNotes(all: true);
        audit.FlushRefusals(all: true);
        _logger.LogInformation("Stopped listening on {Endpoint}", paths.Endpoint);
    }

    private OpsException StrangerRefusal(CallerIdentity caller) => new(OpsErrorCode.Unauthorized, roles.RefusalMessage(caller), caller.UserName,
        "Ask an administrator to add your user to the StellaOps operators or readers group.");

    /// <summary>Once a second: closes the connections that stalled or idled, and writes the counts of rate-limited events.</summary>
    private async Task WatchAsync(CancellationToken stoppingToken)
    {
        using var timer = new PeriodicTimer(TimeSpan.FromSeconds(1));
        try
        {
            while (await timer.WaitForNextTickAsync(stoppingToken).ConfigureAwait(false))
            {
                var o = options.CurrentValue;
                foreach (var c in _connections.Values)
                {
                    if (c.Guard.Stalled(o.FirstRequestTimeout, o.FrameTimeout, o.IdleTimeout, c.Context.RequestsInFlight > 0) is not { } why) continue;
                    Note(c.Context.Caller, why, $"Closed connection {c.Context.Id}");
                    c.Context.Close();
                }
                FlushNotes(all: false);
                audit.FlushRefusals();
            }
        }
        catch (OperationCanceledException) when (stoppingToken.IsCancellationRequested)
        {
        }
    }

    private async Task ServeAsync(Stream stream, FrameGuardStream guard, ConnectionContext context)
    {
        await Task.Yield();
        var o = options.CurrentValue;
        var formatter = new SystemTextJsonFormatter { JsonSerializerOptions = RequestJson() };
        var handler = new OpsMessageHandler(guard, formatter, o.MaxAnswerBytes);
        var rpc = new OpsServerRpc(handler, context, _logger)
        {
            // StreamJsonRpc's default runs one request of a connection at a time until it first awaits, so a client's
            // pipelined batches (the module keeps several in flight) were verified one after another on one core.
            // Requests of one connection now start on the thread pool at once, as those of different connections
            // always have; ConnectionContext.MaxRequestsInFlight bounds how many one connection may have.
            SynchronizationContext = null,
        };
        try
        {
            foreach (var contract in RpcContracts.All)
            {
                var target = services.GetService(contract.Interface);
                if (target is null) continue;
                var proxy = AuthorizingProxy.Create(contract.Interface, contract.Prefix, target, context,
                    () => options.CurrentValue.RequestTimeout.Value, audit);
                rpc.AddLocalRpcTarget(contract.Interface, proxy, new JsonRpcTargetOptions
                {
                    MethodNameTransform = CommonMethodNameTransforms.Prepend(contract.Prefix),
                    DisposeOnDisconnect = false,
                });
            }
            rpc.StartListening();
            using var closing = context.Closing.Register(() => rpc.Dispose());
            var linger = context.Refusal is not null ? Task.Delay(o.RefusedLinger.Value, context.Closing) : Task.Delay(Timeout.Infinite, context.Closing);
            await Task.WhenAny(rpc.Completion, linger).ConfigureAwait(false);
            if (rpc.Completion.IsFaulted) LogFault(context, rpc.Completion.Exception!.GetBaseException());
        }
        catch (Exception ex)
        {
            LogFault(context, ex);
        }
        finally
        {
            rpc.Dispose();
            await stream.DisposeAsync().ConfigureAwait(false);
            context.Dispose();
        }
    }

    /// <summary>The wire's JSON options, plus the batch limit on everything a request carries (answers are written as usual).</summary>
    private static JsonSerializerOptions RequestJson()
    {
        var o = RpcJson.Create();
        o.Converters.Insert(0, new BatchLimitConverterFactory());
        return o;
    }

    private void LogFault(ConnectionContext context, Exception ex)
    {
        // A client that sends garbage or too much loses its connection; the daemon just notes it (once per user and kind per interval).
        if (ex is MessageTooLargeException or IOException or ObjectDisposedException or OperationCanceledException)
            Note(context.Caller, ex.GetType().Name, $"Closed connection {context.Id}", ex.Message);
        else if (_connectionEvents.ShouldWrite(new ConnectionEvent(context.Caller.UserId, context.Caller.UserName, ex.GetType().Name)))
            _logger.LogWarning(ex, "Closed connection {Id} from {Caller} after a protocol error", context.Id, context.Caller);
    }

    /// <summary>A refused or closed connection, logged the first time per user and reason in an interval and counted afterwards.</summary>
    private void Note(CallerIdentity caller, string reason, string what, string? detail = null)
    {
        if (_connectionEvents.ShouldWrite(new ConnectionEvent(caller.UserId, caller.UserName, reason)))
            _logger.LogWarning("{What} from {Caller}: {Reason}", what, caller, detail ?? reason);
    }

    private void FlushNotes(bool all)
    {
        foreach (var (key, count) in _connectionEvents.Drain(all))
        {
            if (key is null)
                _logger.LogWarning("{Count} more refused or closed connections from other users in the last {Interval}", count, new Duration(_connectionEvents.Interval));
            else
                _logger.LogWarning("{Count} more connections from {User} (uid {Uid}) were refused or closed in the last {Interval}: {Reason}",
                    count, key.UserName, key.UserId, new Duration(_connectionEvents.Interval), key.Reason);
        }
    }

    private sealed record ConnectionEvent(int UserId, string UserName, string Reason);

    private sealed class Connection(ConnectionContext context, FrameGuardStream guard)
    {
        public ConnectionContext Context { get; } = context;
        public FrameGuardStream Guard { get; } = guard;
        public Task Serving { get; set; } = Task.CompletedTask;
    }

    private IConnectionListener CreateListener()
    {
        var o = options.CurrentValue;
        if (OperatingSystem.IsWindows())
            return new WindowsPipeListener(paths.Endpoint, o.OperatorGroups, o.ReaderGroups);
        return new UnixSocketListener(paths.Endpoint,
            (UnixFileMode)Convert.ToInt32(o.SocketMode, 8),
            (UnixFileMode)Convert.ToInt32(o.DirectoryMode, 8),
            o.SocketGroup, loggerFactory.CreateLogger<UnixSocketListener>());
    }
}
