using StellaOps.Ops.Contracts.Text;
using StreamJsonRpc;

namespace StellaOps.Ops.Contracts.Rpc;

public sealed record SigningTestStep
{
    /// <summary>resolve-key, key-valid, build-statement, sign, verify, …</summary>
    public string Name { get; init; } = "";
    public bool Success { get; init; }
    public TimeSpan Duration { get; init; }
    public string Message { get; init; } = "";

    public override string ToString() => $"{(Success ? "ok  " : "FAIL")} {Name} ({Duration.TotalMilliseconds:N1} ms) {Message}".TrimEnd();
}
