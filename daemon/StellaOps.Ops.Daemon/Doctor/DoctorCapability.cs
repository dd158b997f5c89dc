using Microsoft.Extensions.DependencyInjection;
using StellaOps.Ops.Contracts.Rpc;

namespace StellaOps.Ops.Daemon.Doctor;

/// <summary>Registers the check runner (doctor.*). The checks themselves are registered by the capability they look at.</summary>
public static class DoctorCapability
{
    public static IServiceCollection AddDoctorCapability(this IServiceCollection services)
    {
        services.AddSingleton<IDoctorRpc, DoctorRpc>();
        return services;
    }
}
