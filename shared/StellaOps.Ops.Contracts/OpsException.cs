namespace StellaOps.Ops.Contracts;

/// <summary>
/// The one exception type for expected failures, on both sides of the pipe. The daemon throws it; the client
/// gets it back with the same code, message and recommended action.
/// </summary>
public sealed class OpsException : Exception
{
    public OpsException(OpsErrorCode code, string message, string? target = null, string? recommendedAction = null, Exception? inner = null)
        : base(message, inner)
    {
        Code = code;
        Target = target;
        RecommendedAction = recommendedAction;
    }

    public OpsErrorCode Code { get; }
    public string? Target { get; }
    public string? RecommendedAction { get; }

    public OpsErrorData ToData() => new() { Code = Code.ToString(), Target = Target, RecommendedAction = RecommendedAction };

    public static OpsException FromData(int code, string message, OpsErrorData? data)
    {
        var parsed = data is not null && Enum.TryParse<OpsErrorCode>(data.Code, out var byName) ? byName
            : Enum.IsDefined(typeof(OpsErrorCode), code) ? (OpsErrorCode)code
            : OpsErrorCode.Internal;
        return new OpsException(parsed, message, data?.Target, data?.RecommendedAction);
    }

    public static OpsException InvalidArgument(string message, string? target = null, string? action = null)
        => new(OpsErrorCode.InvalidArgument, message, target, action);

    public static OpsException NotFound(string message, string? target = null, string? action = null)
        => new(OpsErrorCode.NotFound, message, target, action);
}
