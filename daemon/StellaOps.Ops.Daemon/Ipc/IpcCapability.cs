using Microsoft.Extensions.DependencyInjection;
using StellaOps.Ops.Daemon.Doctor;
using StellaOps.Ops.Daemon.SystemInfo;

namespace StellaOps.Ops.Daemon.Ipc;

/// <summary>Registers the local endpoint: its options and their checks, the role resolver, the server, its health check (check.daemon.endpoint) and status.</summary>
public static class IpcCapability
{
    /// <param name="system">System mode: the packaged default groups apply where nothing names others.</param>
    public static IServiceCollection AddIpcCapability(this IServiceCollection services, bool system)
    {
        services.AddOptions<IpcOptions>().BindConfiguration(IpcOptions.Section)
            .Validate(o => IsOctal(o.SocketMode) && IsOctal(o.DirectoryMode), "Ipc:SocketMode and Ipc:DirectoryMode must be octal permission bits like 0660.")
            .Validate(o => !IsOctal(o.DirectoryMode) || (Convert.ToInt32(o.DirectoryMode, 8) & 0x12) == 0,
                "Ipc:DirectoryMode must not let group or others write (they could replace the socket): use 0750 or 0700.")
            .Validate(o => o.MaxConnections is >= 1 and <= 10_000, "Ipc:MaxConnections must be between 1 and 10000.")
            .Validate(o => o.MaxMessageBytes is >= 1024 and <= 256 * 1024 * 1024, "Ipc:MaxMessageBytes must be between 1 KiB and 256 MiB.")
            .Validate(o => o.RequestTimeout.Value > TimeSpan.Zero, "Ipc:RequestTimeout must be positive.")
            .Validate(o => o.MaxAnswerBytes is >= 64 * 1024 and <= 1024 * 1024 * 1024, "Ipc:MaxAnswerBytes must be between 64 KiB and 1 GiB.")
            .Validate(o => o.MaxConnectionsPerUser >= 1 && o.ReservedOperatorConnections >= 0 && o.MaxRefusedConnections >= 0,
                "Ipc:MaxConnectionsPerUser must be at least 1; Ipc:ReservedOperatorConnections and Ipc:MaxRefusedConnections must not be negative.")
            .Validate(o => o.FirstRequestTimeout.Value >= TimeSpan.FromSeconds(1) && o.FrameTimeout.Value >= TimeSpan.FromSeconds(1) && o.IdleTimeout.Value >= TimeSpan.FromSeconds(1),
                "Ipc:FirstRequestTimeout, Ipc:FrameTimeout and Ipc:IdleTimeout must be at least 1s.")
            .ValidateOnStart();
        services.PostConfigure<IpcOptions>(o =>
        {
            // Packaged defaults for system mode; a file or the environment can still name others.
            if (!system) return;
            if (string.IsNullOrEmpty(o.SocketGroup)) o.SocketGroup = "stellaops";
            if (o.OperatorGroups.Count == 0) o.OperatorGroups.Add("stellaops-operators");
            if (o.ReaderGroups.Count == 0) o.ReaderGroups.Add("stellaops-readers");
        });
        services.AddSingleton<RoleResolver>();
        services.AddSingleton<IpcServer>();
        services.AddSingleton<ICapabilityStatus, IpcCapabilityStatus>();
        services.AddSingleton<IHealthCheck, EndpointHealthCheck>();
        return services;
    }

    /// <summary>Starts the endpoint. Call last, after every capability's hosted services: clients only ever see a ready daemon.</summary>
    public static IServiceCollection AddIpcEndpoint(this IServiceCollection services)
    {
        services.AddHostedService(sp => sp.GetRequiredService<IpcServer>());
        return services;
    }

    private static bool IsOctal(string s) => s.Length is 3 or 4 && s.All(c => c is >= '0' and <= '7');
}
