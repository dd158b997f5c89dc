using System.Reflection;
using System.Text.Json;
using StellaOps.Ops.Contracts;
using StellaOps.Ops.Contracts.Rpc;
using StellaOps.Ops.Daemon.Observability;
using StellaOps.Ops.Daemon.Storage;

namespace StellaOps.Ops.Daemon.Ipc;

/// <summary>
/// Stands between JSON-RPC and a capability's implementation, per connection: answers a refused connection with
/// its refusal, checks the caller's role against the method's [RequiresRole], checks the arguments against the
/// contract (<see cref="RpcArgumentValidator"/>), bounds the request's time, makes the caller visible to the
/// implementation, and audits every mutating call. The arguments are described for the audit before anything
/// else happens and describing never throws, so every outcome has its record; the record joins the first database
/// transaction the call commits (<see cref="AuditLog.Begin"/>), or is written before the answer when there is none.
/// </summary>
public class AuthorizingProxy : DispatchProxy
{
    private object _target = null!;
    private string _prefix = "";
    private ConnectionContext _connection = null!;
    private Func<TimeSpan> _requestTimeout = null!;
    private AuditLog _audit = null!;

    public static object Create(Type contract, string prefix, object target, ConnectionContext connection,
        Func<TimeSpan> requestTimeout, AuditLog audit)
    {
        var proxy = (AuthorizingProxy)Create(contract, typeof(AuthorizingProxy));
        proxy._target = target;
        proxy._prefix = prefix;
        proxy._connection = connection;
        proxy._requestTimeout = requestTimeout;
        proxy._audit = audit;
        return proxy;
    }

    protected override object? Invoke(MethodInfo? targetMethod, object?[]? args)
    {
        ArgumentNullException.ThrowIfNull(targetMethod);
        args ??= [];
        var policy = RpcMethodPolicy.For(targetMethod, _prefix);
        var caller = _connection.Caller;

        if (_connection.Refusal is { } refusal)
        {
            // Answer once, then hang up: a refused caller gets the reason, not a session.
            _connection.CloseSoon();
            throw refusal;
        }
        var detail = policy.IsMutating ? DescribeArguments(policy, args) : "";
        if (caller.Role < policy.Role)
        {
            if (policy.IsMutating) _audit.RecordRefusal(caller, policy.RpcName, detail, "permission denied");
            throw new OpsException(OpsErrorCode.PermissionDenied,
                $"{policy.RpcName} changes the daemon's state and needs the {policy.Role} role; '{caller.UserName}' has the {caller.Role} role. Nothing was changed.",
                policy.RpcName, "Run it as a member of the operators group (or as root).");
        }
        try
        {
            policy.Arguments.Validate(policy.RpcName, args);
        }
        catch (OpsException ex)
        {
            if (policy.IsMutating) _audit.Record(caller, policy.RpcName, detail, succeeded: false, ex.Message);
            throw;
        }

        if (!_connection.TryBeginRequest())
        {
            // Refused before anything starts: audited as the role refusal is (rate-limited, so a flood writes counts).
            if (policy.IsMutating) _audit.RecordRefusal(caller, policy.RpcName, detail, "too many requests in flight on one connection");
            throw new OpsException(OpsErrorCode.LimitExceeded,
                $"{policy.RpcName} was refused: this connection already has {ConnectionContext.MaxRequestsInFlight} requests in flight. Nothing was changed.",
                policy.RpcName, "Wait for answers before sending more requests on one connection.");
        }

        RequestLimit? limit = null;
        if (policy.CancellationIndex >= 0)
        {
            var clientToken = args[policy.CancellationIndex] is CancellationToken t ? t : CancellationToken.None;
            limit = new RequestLimit(clientToken, _connection.Closing, _requestTimeout());
            args[policy.CancellationIndex] = limit.Token;
        }

        var call = policy.IsMutating ? _audit.Begin(caller, policy.RpcName, detail) : null;
        var previousCaller = CallerContext.Current;
        var previousParticipant = TransactionParticipant.Current;
        CallerContext.Current = caller;
        TransactionParticipant.Current = call;
        object? result;
        try
        {
            result = targetMethod.Invoke(_target, args);
        }
        catch (TargetInvocationException ex) when (ex.InnerException is not null)
        {
            limit?.Dispose();
            _connection.EndRequest();
            call?.Complete(succeeded: false, ErrorText(ex.InnerException));
            System.Runtime.ExceptionServices.ExceptionDispatchInfo.Capture(ex.InnerException).Throw();
            throw;
        }
        finally
        {
            CallerContext.Current = previousCaller;
            TransactionParticipant.Current = previousParticipant;
        }

        return policy.Completer.Invoke(null, [result, this, policy, call, limit]);
    }

    internal static async Task<T> CompleteAsync<T>(Task<T> task, AuthorizingProxy self, RpcMethodPolicy policy, AuditLog.AuditedCall? call, RequestLimit? limit)
    {
        try
        {
            var value = await task.ConfigureAwait(false);
            call?.Complete(succeeded: true);
            return value;
        }
        catch (OperationCanceledException) when (limit is { TimedOut: true })
        {
            call?.Complete(succeeded: false, "timed out");
            throw new OpsException(OpsErrorCode.Timeout,
                $"{policy.RpcName} did not finish within the daemon's request limit ({self._requestTimeout()}) and was cancelled.",
                policy.RpcName, "Check Get-StellaLog for what it was waiting on, or raise ipc.request_timeout.");
        }
        catch (Exception ex)
        {
            call?.Complete(succeeded: false, ErrorText(ex));
            throw;
        }
        finally
        {
            limit?.Dispose();
            self._connection.EndRequest();
        }
    }

    /// <summary>What the audit says went wrong: an expected error's message, else only the exception's type (its text could carry anything).</summary>
    private static string ErrorText(Exception ex) => ex is OpsException ? ex.Message : ex.GetType().Name;

    private static string DescribeArguments(RpcMethodPolicy policy, object?[] args)
    {
        if (policy.AuditedParameters.Count == 0) return "";
        var parts = policy.AuditedParameters.Select(p =>
        {
            var text = Describe(p.Index < args.Length ? args[p.Index] : null);
            if (text.Length > 256) text = text[..256] + "…";
            return $"{p.Name}={text}";
        });
        return string.Join(", ", parts);
    }

    /// <summary>
    /// One argument as the audit shows it. Requests that describe themselves (<see cref="IAuditDescribed"/>) say what
    /// they act on without their data; a batch of them is its size and first item, not thousands of items serialised
    /// only to be cut at 256 characters. Anything else is its JSON. Never throws: the arguments are the client's and
    /// not checked yet (a null inside a batch), and a record that cannot describe them must still be written.
    /// </summary>
    private static string Describe(object? value)
    {
        switch (value)
        {
            case null:
                return "null";
            case IAuditDescribed one:
                return Safely(one, one.DescribeForAudit);
            case IReadOnlyList<IAuditDescribed> batch:
                return batch.Count switch
                {
                    0 => "0 items",
                    1 => "1 item: " + Item(batch[0]),
                    _ => $"{batch.Count} items, first: {Item(batch[0])}",
                };
        }
        return Safely(value, () => JsonSerializer.Serialize(value, RpcJson.Options));

        static string Item(IAuditDescribed? item) => item is null ? "null" : Safely(item, item.DescribeForAudit);
    }

    private static string Safely(object value, Func<string> describe)
    {
        try { return describe(); }
        catch (Exception) { return $"(a {value.GetType().Name} that could not be described)"; }
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
