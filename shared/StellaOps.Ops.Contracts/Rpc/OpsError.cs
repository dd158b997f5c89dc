using StreamJsonRpc;

namespace StellaOps.Ops.Contracts.Rpc;

/// <summary>An error for one item of a batch, with the same fields an <see cref="OpsException"/> carries.</summary>
public sealed record OpsError
{
    public OpsErrorCode Code { get; init; }
    public string Message { get; init; } = "";
    public string? Target { get; init; }
    public string? RecommendedAction { get; init; }

    public static OpsError From(OpsException exception) => new()
    {
        Code = exception.Code,
        Message = exception.Message,
        Target = exception.Target,
        RecommendedAction = exception.RecommendedAction,
    };

    public OpsException ToException() => new(Code, Message, Target, RecommendedAction);

    public override string ToString() => $"{Code}: {Message} {RecommendedAction}".TrimEnd();
}
