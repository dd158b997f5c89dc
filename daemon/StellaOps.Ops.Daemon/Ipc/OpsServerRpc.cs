using System.Reflection;
using Microsoft.Extensions.Logging;
using StellaOps.Ops.Contracts;
using StreamJsonRpc;
using StreamJsonRpc.Protocol;

namespace StellaOps.Ops.Daemon.Ipc;

/// <summary>
/// The daemon's JSON-RPC endpoint for one connection. Expected failures (<see cref="OpsException"/>) go back
/// with their typed code and recommended action; anything else goes back as a generic internal error that
/// names the log event, never a stack trace or an exception message that could carry a secret.
/// </summary>
public sealed class OpsServerRpc(IJsonRpcMessageHandler handler, ILogger logger) : JsonRpc(handler)
{
    protected override JsonRpcError.ErrorDetail CreateErrorDetails(JsonRpcRequest request, Exception exception)
    {
        var ex = Unwrap(exception);
        if (ex is OpsException ops)
        {
            return new JsonRpcError.ErrorDetail
            {
                Code = (JsonRpcErrorCode)(int)ops.Code,
                Message = ops.Message,
                Data = ops.ToData(),
            };
        }
        if (ex is OperationCanceledException)
            return base.CreateErrorDetails(request, exception);

        var incident = Guid.NewGuid().ToString("N")[..12];
        logger.LogError(ex, "Request {Method} failed with an internal error (incident {Incident})", request.Method, incident);
        return new JsonRpcError.ErrorDetail
        {
            Code = (JsonRpcErrorCode)(int)OpsErrorCode.Internal,
            Message = $"The daemon could not complete {request.Method}: internal error (incident {incident}).",
            Data = new OpsErrorData
            {
                Code = nameof(OpsErrorCode.Internal),
                Target = request.Method,
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
