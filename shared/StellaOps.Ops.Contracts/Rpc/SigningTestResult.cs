using StellaOps.Ops.Contracts.Text;
using StreamJsonRpc;

namespace StellaOps.Ops.Contracts.Rpc;

public sealed record SigningTestResult
{
    public bool Success { get; init; }
    public string? KeyId { get; init; }
    public KeyAlgorithm? Algorithm { get; init; }
    public string SigningMode { get; init; } = "";
    public IReadOnlyList<SigningTestStep> Steps { get; init; } = [];
    /// <summary>The first failed step's error, when any.</summary>
    public OpsError? Error { get; init; }
}
