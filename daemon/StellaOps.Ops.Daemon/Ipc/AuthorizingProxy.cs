using System.Reflection;
using System.Text.Json;
using StellaOps.Ops.Contracts;
using StellaOps.Ops.Contracts.Rpc;
using StellaOps.Ops.Daemon.Observability;

namespace StellaOps.Ops.Daemon.Ipc;

/// <summary>
/// Stands between JSON-RPC and a capability's implementation, per connection: checks the caller's role against
/// the method's [RequiresRole], bounds the request's time, makes the caller visible to the implementation,
/// and audits every mutating call (with its non-sensitive arguments) before the answer is sent.
/// </summary>
public class AuthorizingProxy : DispatchProxy
{
    private object _target = null!;
    private string _prefix = "";
    private ConnectionContext _connection = null!;
    private Func<TimeSpan> _requestTimeout = null!;
    private AuditLog _audit = null!;
    private Func<CallerIdentity, string> _refusal = null!;

    public static object Create(Type contract, string prefix, object target, ConnectionContext connection,
        Func<TimeSpan> requestTimeout, AuditLog audit, Func<CallerIdentity, string> refusal)
    {
        var proxy = (AuthorizingProxy)Create(contract, typeof(AuthorizingProxy));
        proxy._target = target;
        proxy._prefix = prefix;
        proxy._connection = connection;
        proxy._requestTimeout = requestTimeout;
        proxy._audit = audit;
        proxy._refusal = refusal;
        return proxy;
    }

    protected override object? Invoke(MethodInfo? targetMethod, object?[]? args)
    {
        ArgumentNullException.ThrowIfNull(targetMethod);
        args ??= [];
        var policy = RpcMethodPolicy.For(targetMethod, _prefix);
        var caller = _connection.Caller;

        if (caller.Role == CallerRole.None)
        {
            // Answer once, then hang up: a refused caller gets the reason, not a session.
            _ = Task.Delay(TimeSpan.FromMilliseconds(200)).ContinueWith(_ => _connection.Close(), TaskScheduler.Default);
            throw new OpsException(OpsErrorCode.Unauthorized, _refusal(caller), caller.UserName,
                "Ask an administrator to add your user to the StellaOps operators or readers group.");
        }
        if (caller.Role < policy.Role)
        {
            if (policy.IsMutating) _audit.Record(caller, policy.RpcName, DescribeArguments(policy, args), succeeded: false, error: "permission denied");
            throw new OpsException(OpsErrorCode.PermissionDenied,
                $"{policy.RpcName} changes the daemon's state and needs the {policy.Role} role; '{caller.UserName}' has the {caller.Role} role. Nothing was changed.",
                policy.RpcName, "Run it as a member of the operators group (or as root).");
        }

        RequestLimit? limit = null;
        if (policy.CancellationIndex >= 0)
        {
            var clientToken = args[policy.CancellationIndex] is CancellationToken t ? t : CancellationToken.None;
            limit = new RequestLimit(clientToken, _connection.Closing, _requestTimeout());
            args[policy.CancellationIndex] = limit.Token;
        }

        var previous = CallerContext.Current;
        CallerContext.Current = caller;
        object? result;
        try
        {
            result = targetMethod.Invoke(_target, args);
        }
        catch (TargetInvocationException ex) when (ex.InnerException is not null)
        {
            limit?.Dispose();
            if (policy.IsMutating) _audit.Record(caller, policy.RpcName, DescribeArguments(policy, args), false, ex.InnerException.Message);
            System.Runtime.ExceptionServices.ExceptionDispatchInfo.Capture(ex.InnerException).Throw();
            throw;
        }
        finally
        {
            CallerContext.Current = previous;
        }

        var detail = policy.IsMutating ? DescribeArguments(policy, args) : null;
        return policy.Completer.Invoke(null, [result, this, policy, caller, detail, limit]);
    }

    internal static async Task<T> CompleteAsync<T>(Task<T> task, AuthorizingProxy self, RpcMethodPolicy policy, CallerIdentity caller, string? detail, RequestLimit? limit)
    {
        try
        {
            var value = await task.ConfigureAwait(false);
            if (policy.IsMutating) self._audit.Record(caller, policy.RpcName, detail, succeeded: true);
            return value;
        }
        catch (OperationCanceledException) when (limit is { TimedOut: true })
        {
            if (policy.IsMutating) self._audit.Record(caller, policy.RpcName, detail, false, "timed out");
            throw new OpsException(OpsErrorCode.Timeout,
                $"{policy.RpcName} did not finish within the daemon's request limit ({self._requestTimeout()}) and was cancelled.",
                policy.RpcName, "Check Get-StellaLog for what it was waiting on, or raise ipc.request_timeout.");
        }
        catch (Exception ex)
        {
            if (policy.IsMutating) self._audit.Record(caller, policy.RpcName, detail, false, ex is OpsException ? ex.Message : ex.GetType().Name);
            throw;
        }
        finally
        {
            limit?.Dispose();
        }
    }

    private static string DescribeArguments(RpcMethodPolicy policy, object?[] args)
    {
        if (policy.AuditedParameters.Count == 0) return "";
        var parts = policy.AuditedParameters.Select(p =>
        {
            var text = Describe(args[p.Index]);
            if (text.Length > 256) text = text[..256] + "…";
            return $"{p.Name}={text}";
        });
        return string.Join(", ", parts);
    }

    /// <summary>
    /// One argument as the audit shows it. Requests that describe themselves (<see cref="IAuditDescribed"/>) say what
    /// they act on without their data; a batch of them is its size and first item, not thousands of items serialised
    /// only to be cut at 256 characters. Anything else is its JSON.
    /// </summary>
    private static string Describe(object? value)
    {
        switch (value)
        {
            case null:
                return "null";
            case IAuditDescribed one:
                return one.DescribeForAudit();
            case IReadOnlyList<IAuditDescribed> batch:
                return batch.Count switch
                {
                    0 => "0 items",
                    1 => "1 item: " + (batch[0]?.DescribeForAudit() ?? "null"),
                    _ => $"{batch.Count} items, first: {batch[0]?.DescribeForAudit() ?? "null"}",
                };
        }
        try { return JsonSerializer.Serialize(value, RpcJson.Options); }
        catch (NotSupportedException) { return value.GetType().Name; }
    }

    /// <summary>The token a request runs under: the client's cancel, the connection closing, or the daemon's time limit.</summary>
    internal sealed class RequestLimit : IDisposable
    {
        private readonly CancellationTokenSource _timeout;
        private readonly CancellationTokenSource _linked;
        private readonly CancellationToken _client;
        private readonly CancellationToken _closing;

        public RequestLimit(CancellationToken client, CancellationToken closing, TimeSpan limit)
        {
            _client = client;
            _closing = closing;
            _timeout = new CancellationTokenSource(limit);
            _linked = CancellationTokenSource.CreateLinkedTokenSource(client, closing, _timeout.Token);
        }

        public CancellationToken Token => _linked.Token;

        /// <summary>Only the time limit fired: the client did not cancel and the connection is still open.</summary>
        public bool TimedOut => _timeout.IsCancellationRequested && !_client.IsCancellationRequested && !_closing.IsCancellationRequested;

        public void Dispose()
        {
            _linked.Dispose();
            _timeout.Dispose();
        }
    }
}
