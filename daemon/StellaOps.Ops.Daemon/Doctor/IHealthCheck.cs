using StellaOps.Ops.Contracts.Rpc;

namespace StellaOps.Ops.Daemon.Doctor;

/// <summary>One doctor check, named by its runbook id (check.crypto.hsm-availability, …). Each capability registers its own.</summary>
public interface IHealthCheck
{
    string Id { get; }
    string Description { get; }

    /// <summary>Returns the verdict with its evidence. Throwing is reported as Fail with the exception's message.</summary>
    Task<DoctorResult> RunAsync(CancellationToken cancellationToken);
}
