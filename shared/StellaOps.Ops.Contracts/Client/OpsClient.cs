using System.IO.Pipes;
using System.Net.Sockets;
using StellaOps.Ops.Contracts.Rpc;
using StreamJsonRpc;
using StreamJsonRpc.Protocol;

namespace StellaOps.Ops.Contracts.Client;

/// <summary>
/// One connection to the daemon: the socket (or pipe), the JSON-RPC session and a typed proxy per contract.
/// Callers keep it for the whole session (one round trip costs ~50 µs; a connect costs far more). Errors from
/// the daemon arrive as <see cref="OpsException"/> with the daemon's code and recommended action.
/// </summary>
public sealed class OpsClient : IAsyncDisposable, IDisposable
{
    private readonly JsonRpc _rpc;
    private readonly Dictionary<Type, object> _proxies = [];

    private OpsClient(JsonRpc rpc, string endpoint)
    {
        _rpc = rpc;
        Endpoint = endpoint;
    }

    public string Endpoint { get; }
    public HandshakeResponse Handshake { get; private set; } = new();
    public bool IsConnected => !_rpc.IsDisposed && !_rpc.Completion.IsCompleted;

    public ISystemRpc System => Get<ISystemRpc>();
    public IConfigRpc Config => Get<IConfigRpc>();
    public ILogRpc Log => Get<ILogRpc>();
    public IDoctorRpc Doctor => Get<IDoctorRpc>();
    public IHsmRpc Hsm => Get<IHsmRpc>();
    public IKeyRpc Keys => Get<IKeyRpc>();
    public ISigningRpc Signing => Get<ISigningRpc>();
    public IAttestRpc Attest => Get<IAttestRpc>();
    public IVerifyRpc Verify => Get<IVerifyRpc>();
    public ITrustAnchorRpc TrustAnchors => Get<ITrustAnchorRpc>();
    public IKeyCertificateRpc Certificates => Get<IKeyCertificateRpc>();
    public IIssuerRpc Issuers => Get<IIssuerRpc>();
    public ITlogRpc Tlog => Get<ITlogRpc>();
    public ITrustSyncRpc TrustSync => Get<ITrustSyncRpc>();

    public T Get<T>() where T : class
    {
        lock (_proxies)
        {
            if (!_proxies.TryGetValue(typeof(T), out var proxy))
            {
                proxy = _rpc.Attach<T>(new JsonRpcProxyOptions { MethodNameTransform = CommonMethodNameTransforms.Prepend(RpcContracts.PrefixOf(typeof(T))) });
                _proxies[typeof(T)] = proxy;
            }
            return (T)proxy;
        }
    }

    /// <summary>Connects, starts JSON-RPC and performs the version handshake.</summary>
    public static async Task<OpsClient> ConnectAsync(string? endpoint, string clientName, string clientVersion, TimeSpan timeout, CancellationToken cancellationToken)
    {
        var resolved = Protocol.ResolveClientEndpoint(endpoint);
        using var connectLimit = CancellationTokenSource.CreateLinkedTokenSource(cancellationToken);
        connectLimit.CancelAfter(timeout);
        Stream stream;
        try
        {
            stream = await OpenStreamAsync(resolved, connectLimit.Token).ConfigureAwait(false);
        }
        catch (OperationCanceledException) when (!cancellationToken.IsCancellationRequested)
        {
            throw new OpsException(OpsErrorCode.Unavailable, $"The StellaOps daemon at {resolved} did not accept a connection within {new Duration(timeout)}.", resolved,
                "Check that stella-opsd is running and not overloaded: 'systemctl status stellaops-opsd'.");
        }

        var formatter = new SystemTextJsonFormatter { JsonSerializerOptions = RpcJson.Create() };
        var rpc = new ClientRpc(new LengthHeaderMessageHandler(stream, stream, formatter));
        rpc.StartListening();
        var client = new OpsClient(rpc, resolved);
        try
        {
            client.Handshake = await client.System.HandshakeAsync(new HandshakeRequest
            {
                ProtocolVersion = Protocol.Version,
                ClientName = clientName,
                ClientVersion = clientVersion,
            }, cancellationToken).ConfigureAwait(false);
        }
        catch (Exception ex)
        {
            client.Dispose();
            throw Translate(ex, resolved);
        }
        if (client.Handshake.ProtocolVersion != Protocol.Version)
        {
            client.Dispose();
            throw new OpsException(OpsErrorCode.ProtocolMismatch,
                $"The daemon at {resolved} ({client.Handshake.DaemonVersion}) speaks protocol {client.Handshake.ProtocolVersion}; this client speaks {Protocol.Version}.",
                resolved, "Install the StellaOps module and daemon from the same release.");
        }
        return client;
    }

    /// <summary>Turns whatever a call threw into the <see cref="OpsException"/> an operator can act on.</summary>
    public static Exception Translate(Exception ex, string endpoint)
    {
        switch (ex)
        {
            case OpsException:
            case OperationCanceledException:
                return ex;
            case RemoteInvocationException rie when rie.DeserializedErrorData is OpsErrorData data:
                return OpsException.FromData(rie.ErrorCode, rie.Message, data);
            case RemoteInvocationException rie when rie.ErrorCode == (int)JsonRpcErrorCode.InvalidParams:
                return new OpsException(OpsErrorCode.InvalidArgument, rie.Message, null, "Check the parameter types against Get-Help.");
            case RemoteMethodNotFoundException rmnf:
                return new OpsException(OpsErrorCode.ProtocolMismatch, $"The daemon does not know this request ({rmnf.Message}).", endpoint,
                    "Install the StellaOps module and daemon from the same release.");
            case ConnectionLostException or ObjectDisposedException or IOException:
                return new OpsException(OpsErrorCode.Unavailable, $"The connection to the StellaOps daemon at {endpoint} was lost: {ex.Message}", endpoint,
                    "Check that stella-opsd is running ('systemctl status stellaops-opsd'), then run the command again.");
            case RemoteInvocationException rie:
                return new OpsException(OpsErrorCode.Internal, rie.Message, null, null);
            default:
                return ex;
        }
    }

    private static async Task<Stream> OpenStreamAsync(string endpoint, CancellationToken cancellationToken)
    {
        if (OperatingSystem.IsWindows())
        {
            var name = endpoint.StartsWith(@"\\.\pipe\", StringComparison.OrdinalIgnoreCase) ? endpoint[9..] : endpoint;
            var pipe = new NamedPipeClientStream(".", name, PipeDirection.InOut, PipeOptions.Asynchronous);
            try
            {
                await pipe.ConnectAsync(cancellationToken).ConfigureAwait(false);
                return pipe;
            }
            catch (UnauthorizedAccessException)
            {
                await pipe.DisposeAsync().ConfigureAwait(false);
                throw NoPermission(endpoint);
            }
        }

        var socket = new Socket(AddressFamily.Unix, SocketType.Stream, ProtocolType.Unspecified);
        try
        {
            await socket.ConnectAsync(new UnixDomainSocketEndPoint(endpoint), cancellationToken).ConfigureAwait(false);
        }
        catch (SocketException ex)
        {
            socket.Dispose();
            throw ex.SocketErrorCode switch
            {
                SocketError.AccessDenied => NoPermission(endpoint),
                // connect(2) on a path that does not exist fails ENOENT, which .NET reports as AddressNotAvailable.
                _ when !Path.Exists(endpoint) => NotRunning(endpoint, "there is no socket file there"),
                SocketError.ConnectionRefused => NotRunning(endpoint, "the socket file is there, but nothing accepts connections on it (a daemon that stopped without removing it?)"),
                _ => NotRunning(endpoint, ex.Message),
            };
        }
        // Whoever serves the socket hears everything sent on it (PINs included): know who it is before sending a byte.
        try
        {
            DaemonPeer.Verify(socket, endpoint);
        }
        catch
        {
            socket.Dispose();
            throw;
        }
        return new NetworkStream(socket, ownsSocket: true);
    }

    private static OpsException NotRunning(string endpoint, string reason) => new(OpsErrorCode.Unavailable,
        $"No StellaOps daemon is listening at {endpoint}: {reason}.", endpoint,
        "Start it: 'sudo systemctl start stellaops-opsd' where it is installed as a service, or 'dotnet pwsh ./build.ps1 start' in a development checkout; " +
        "or point -Endpoint / $env:STELLAOPS_ENDPOINT at the socket of a daemon that runs ('Connect-StellaDaemon -Endpoint <socket>' checks one).");

    private static OpsException NoPermission(string endpoint) => new(OpsErrorCode.Unauthorized,
        $"You may not open the StellaOps daemon's endpoint {endpoint}: permission denied by the operating system.", endpoint,
        "Ask an administrator to add your user to the 'stellaops' group (readers also need 'stellaops-readers', operators 'stellaops-operators'), then log in again.");

    public ValueTask DisposeAsync()
    {
        Dispose();
        return ValueTask.CompletedTask;
    }

    public void Dispose() => _rpc.Dispose();

    /// <summary>Reads the daemon's typed error data so a failed call carries its code and recommended action.</summary>
    private sealed class ClientRpc(IJsonRpcMessageHandler handler) : JsonRpc(handler)
    {
        protected override Type? GetErrorDetailsDataType(JsonRpcError error)
            => error.Error is { } e && (int)e.Code >= 1000 && (int)e.Code < 2000 ? typeof(OpsErrorData) : base.GetErrorDetailsDataType(error);
    }
}
