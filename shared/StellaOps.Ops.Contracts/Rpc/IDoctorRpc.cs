using StreamJsonRpc;

namespace StellaOps.Ops.Contracts.Rpc;

/// <summary>Health checks, one per runbook doctor id (behind Invoke-StellaDoctor).</summary>
[JsonRpcContract]
public partial interface IDoctorRpc
{
    [RequiresRole(CallerRole.Reader)]
    Task<DoctorCheckInfo[]> ListAsync(CancellationToken cancellationToken);

    /// <summary>Runs the named checks (wildcards allowed), or all when none are named.</summary>
    [RequiresRole(CallerRole.Reader)]
    Task<DoctorResult[]> RunAsync(string[]? checks, IProgress<OperationProgress>? progress, CancellationToken cancellationToken);
}

public enum DoctorStatus { Pass, Warn, Fail }

public sealed record DoctorCheckInfo
{
    public string Check { get; init; } = "";
    public string Description { get; init; } = "";
}

public sealed record DoctorResult
{
    public string Check { get; init; } = "";
    public DoctorStatus Status { get; init; }
    public string Message { get; init; } = "";
    /// <summary>What to do when the status is not Pass.</summary>
    public string? Remediation { get; init; }
    /// <summary>The facts the verdict rests on, for a compliance check to assert on.</summary>
    public IReadOnlyDictionary<string, string> Evidence { get; init; } = new Dictionary<string, string>();
    public TimeSpan Duration { get; init; }
}
