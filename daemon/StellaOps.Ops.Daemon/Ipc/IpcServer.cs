using System.Collections.Concurrent;
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
/// can connect. A bad client costs only its own connection.
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
    private readonly ConcurrentDictionary<long, (ConnectionContext Context, Task Serving)> _connections = new();
    private IConnectionListener? _listener;
    private long _nextId;
    private DateTimeOffset _lastOverflowWarning;

    public int ConnectionCount => _connections.Count;
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

            if (_connections.Count >= options.CurrentValue.MaxConnections)
            {
                if (DateTimeOffset.UtcNow - _lastOverflowWarning > TimeSpan.FromSeconds(10))
                {
                    _lastOverflowWarning = DateTimeOffset.UtcNow;
                    _logger.LogWarning("Connection limit ({Max}) reached: closing new connections (pid {Pid})", options.CurrentValue.MaxConnections, accepted.ProcessId);
                }
                await accepted.Stream.DisposeAsync().ConfigureAwait(false);
                continue;
            }

            var caller = accepted.Resolved ?? roles.Resolve(accepted.ProcessId, accepted.UserId, accepted.GroupId, accepted.Groups);
            var context = new ConnectionContext(Interlocked.Increment(ref _nextId), caller);
            if (caller.Role == CallerRole.None)
                _logger.LogWarning("Refused connection from {Caller}: not in an operators or readers group", caller);
            else
                _logger.LogDebug("Connection {Id} from {Caller}", context.Id, caller);
            var serving = ServeAsync(accepted.Stream, context);
            _connections[context.Id] = (context, serving);
            _ = serving.ContinueWith(_ => _connections.TryRemove(context.Id, out var _), TaskScheduler.Default);
        }
    }

    public override async Task StopAsync(CancellationToken cancellationToken)
    {
        await base.StopAsync(cancellationToken).ConfigureAwait(false);
        if (_listener is not null) await _listener.DisposeAsync().ConfigureAwait(false);
        // In-flight requests are cancelled (their token includes the connection's) and given a moment to answer.
        foreach (var (context, _) in _connections.Values) context.Close();
        var all = _connections.Values.Select(c => c.Serving).ToArray();
        await Task.WhenAny(Task.WhenAll(all), Task.Delay(TimeSpan.FromSeconds(5), CancellationToken.None)).ConfigureAwait(false);
        _logger.LogInformation("Stopped listening on {Endpoint}", paths.Endpoint);
    }

    private async Task ServeAsync(Stream stream, ConnectionContext context)
    {
        await Task.Yield();
        var o = options.CurrentValue;
        var formatter = new SystemTextJsonFormatter { JsonSerializerOptions = RpcJson.Create() };
        var handler = new LengthHeaderMessageHandler(stream, new FrameGuardStream(stream, o.MaxMessageBytes), formatter);
        var rpc = new OpsServerRpc(handler, _logger);
        try
        {
            foreach (var contract in RpcContracts.All)
            {
                var target = services.GetService(contract.Interface);
                if (target is null) continue;
                var proxy = AuthorizingProxy.Create(contract.Interface, contract.Prefix, target, context,
                    () => options.CurrentValue.RequestTimeout.Value, audit, roles.RefusalMessage);
                rpc.AddLocalRpcTarget(contract.Interface, proxy, new JsonRpcTargetOptions
                {
                    MethodNameTransform = CommonMethodNameTransforms.Prepend(contract.Prefix),
                    DisposeOnDisconnect = false,
                });
            }
            rpc.StartListening();
            using var closing = context.Closing.Register(() => rpc.Dispose());
            var linger = context.Caller.Role == CallerRole.None ? Task.Delay(o.RefusedLinger.Value) : Task.Delay(Timeout.Infinite, context.Closing);
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

    private void LogFault(ConnectionContext context, Exception ex)
    {
        // A client that sends garbage or too much loses its connection; the daemon just notes it.
        if (ex is MessageTooLargeException or IOException or ObjectDisposedException or OperationCanceledException)
            _logger.LogWarning("Closed connection {Id} from {Caller}: {Reason}", context.Id, context.Caller, ex.Message);
        else
            _logger.LogWarning(ex, "Closed connection {Id} from {Caller} after a protocol error", context.Id, context.Caller);
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
