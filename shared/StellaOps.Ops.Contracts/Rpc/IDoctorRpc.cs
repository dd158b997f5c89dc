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
