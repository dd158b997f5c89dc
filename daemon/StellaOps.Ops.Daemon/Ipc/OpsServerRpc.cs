using System.Reflection;
using Microsoft.Extensions.Logging;
using StellaOps.Ops.Contracts;
using StreamJsonRpc;
using StreamJsonRpc.Protocol;

namespace StellaOps.Ops.Daemon.Ipc;

/// <summary>
/// The daemon's JSON-RPC endpoint for one connection. Expected failures (<see cref="OpsException"/>) go back
/// with their typed code and recommended action; anything else goes back as a generic internal error that
/// names the log event, never a stack trace or an exception message that could carry a secret. That holds for
/// the errors the JSON-RPC layer makes up itself too (arguments it cannot bind, an unknown method, a cancelled
/// request): every error leaves through <see cref="SendAsync"/>, which lets only the daemon's own error data pass.
/// </summary>
public sealed class OpsServerRpc(OpsMessageHandler handler, ConnectionContext connection, ILogger logger) : JsonRpc(handler)
{
    protected override JsonRpcError.ErrorDetail CreateErrorDetails(JsonRpcRequest request, Exception exception)
    {
        var ex = Unwrap(exception);
        if (ex is OpsException ops) return Detail(ops);
        if (ex is OperationCanceledException)
            return new JsonRpcError.ErrorDetail { Code = JsonRpcErrorCode.RequestCanceled, Message = $"{request.Method} was cancelled." };
        return Internal(request.Method ?? "the request", ex);
    }

    protected override ValueTask SendAsync(JsonRpcMessage message, CancellationToken cancellationToken)
    {
        if (message is JsonRpcError { Error: { } error } e && error.Data is not OpsErrorData)
            message = new JsonRpcError { RequestId = e.RequestId, Version = e.Version, Error = Sanitize(e.RequestId, error) };
        return base.SendAsync(message, cancellationToken);
    }

    private JsonRpcError.ErrorDetail Sanitize(RequestId id, JsonRpcError.ErrorDetail error)
    {
        var method = handler.MethodOf(id) ?? "the request";
        if (connection.Refusal is { } refusal)
        {
            // A refused caller learns why it is refused, nothing about the methods or their arguments.
            connection.CloseSoon();
            return Detail(refusal);
        }
        switch (error.Code)
        {
            case JsonRpcErrorCode.InvalidParams when BatchLimit(error.Data) is { } limit:
                return Detail(new OpsException(OpsErrorCode.LimitExceeded, $"{method}: {limit}", method,
                    $"Split the batch into requests of at most {Protocol.MaxBatchItems} items each (the module's cmdlets do this for pipeline input)."));
            case JsonRpcErrorCode.InvalidParams:
                var takes = RpcMethodPolicy.Find(method)?.Signature is { } s ? $" It takes: {(s.Length == 0 ? "no arguments" : s)}." : "";
                return Detail(OpsException.InvalidArgument(
                    $"{method} was sent arguments it cannot read: a value of the wrong type or shape, or text that is not valid UTF-8.{takes}", method,
                    "Check the values against Get-Help for the cmdlet; send text as valid UTF-8."));
            case JsonRpcErrorCode.MethodNotFound:
                return new JsonRpcError.ErrorDetail { Code = error.Code, Message = $"The daemon has no method '{method}' that takes these arguments." };
            case JsonRpcErrorCode.RequestCanceled:
                return new JsonRpcError.ErrorDetail { Code = error.Code, Message = error.Message ?? "The request was cancelled." };
            default:
                return Internal(method, null, $"{error.Code}: {error.Message}");
        }
    }

    /// <summary>The batch limit's own message, found in the chain of the binding failure (see <see cref="BatchLimitConverterFactory"/>).</summary>
    private static string? BatchLimit(object? data)
    {
        for (var d = data as CommonErrorData; d is not null; d = d.Inner)
            if (d.TypeName == typeof(BatchLimitExceededException).FullName) return d.Message;
        return null;
    }

    private static JsonRpcError.ErrorDetail Detail(OpsException ops) => new()
    {
        Code = (JsonRpcErrorCode)(int)ops.Code,
        Message = ops.Message,
        Data = ops.ToData(),
    };

    private JsonRpcError.ErrorDetail Internal(string method, Exception? ex, string? what = null)
    {
        var incident = Guid.NewGuid().ToString("N")[..12];
        if (ex is not null) logger.LogError(ex, "Request {Method} failed with an internal error (incident {Incident})", method, incident);
        else logger.LogError("Request {Method} failed in the JSON-RPC layer (incident {Incident}): {What}", method, incident, what);
        return new JsonRpcError.ErrorDetail
        {
            Code = (JsonRpcErrorCode)(int)OpsErrorCode.Internal,
            Message = $"The daemon could not complete {method}: internal error (incident {incident}).",
            Data = new OpsErrorData
            {
                Code = nameof(OpsErrorCode.Internal),
                Target = method,
                RecommendedAction = $"Look for incident {incident} with 'Get-StellaLog -Level Error' and report it.",
            },
        };
    }

    private static Exception Unwrap(Exception ex)
    {
        while (true)
        {
            switch (ex)
            {
                case TargetInvocationException { InnerException: { } inner }: ex = inner; continue;
                case AggregateException { InnerExceptions.Count: 1 } agg: ex = agg.InnerExceptions[0]; continue;
                default: return ex;
            }
        }
    }
}
