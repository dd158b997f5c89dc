namespace StellaOps.Ops.Contracts;

/// <summary>The <c>error.data</c> of a typed error: the code's name, what it is about, and what to do.</summary>
public sealed record OpsErrorData
{
    public string Code { get; init; } = nameof(OpsErrorCode.Internal);
    /// <summary>The object the error is about (a key id, a setting name, …), shown as the ErrorRecord's target.</summary>
    public string? Target { get; init; }
    /// <summary>The next step for the operator ("activate a backup key with Enable-StellaKey").</summary>
    public string? RecommendedAction { get; init; }
}
