using Microsoft.Extensions.Configuration;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Hosting;
using Microsoft.Extensions.Logging;
using Microsoft.Extensions.Options;
using StellaOps.Ops.Contracts.Rpc;
using StellaOps.Ops.Daemon.Attestor;
using LogLevel = Microsoft.Extensions.Logging.LogLevel;
using StellaOps.Ops.Daemon.Doctor;
using StellaOps.Ops.Daemon.Hsm;
using StellaOps.Ops.Daemon.Keys;
using StellaOps.Ops.Daemon.Ipc;
using StellaOps.Ops.Daemon.Observability;
using StellaOps.Ops.Daemon.Settings;
using StellaOps.Ops.Daemon.Signing;
using StellaOps.Ops.Daemon.Storage;
using StellaOps.Ops.Daemon.SystemInfo;
using StellaOps.Ops.Daemon.Trust;

namespace StellaOps.Ops.Daemon.Hosting;

/// <summary>Composes the daemon: configuration layers, services of each capability, and the hosted services in start order.</summary>
public static class DaemonHost
{
    public const string EnvironmentPrefix = "STELLAOPS_";

    public static IHost Build(string[] args)
    {
        var cli = DaemonCommandLine.Parse(args);
        var builder = Host.CreateApplicationBuilder(new HostApplicationBuilderSettings
        {
            DisableDefaults = true,
            ContentRootPath = AppContext.BaseDirectory,
            ApplicationName = "stella-opsd",
        });

        // Layers, lowest first: built-in defaults < configuration file < environment < command line < runtime settings.
        var runtime = new RuntimeSettingsSource();
        builder.Configuration.AddInMemoryCollection(SettingCatalog.Defaults());
        var early = new ConfigurationBuilder().AddEnvironmentVariables(EnvironmentPrefix).AddInMemoryCollection(cli.Settings).Build();
        var system = early.GetValue<bool>("Daemon:System");
        var configFile = early["Daemon:ConfigFile"] is { Length: > 0 } f ? Path.GetFullPath(f) : DaemonPaths.DefaultConfigFile(system);
        builder.Configuration.AddJsonFile(configFile, optional: true, reloadOnChange: false);
        builder.Configuration.AddEnvironmentVariables(EnvironmentPrefix);
        builder.Configuration.AddInMemoryCollection(cli.Settings);
        ((IConfigurationBuilder)builder.Configuration).Add(runtime);

        builder.Logging.ClearProviders();
        builder.Logging.AddConfiguration(builder.Configuration.GetSection("Logging"));
        builder.Logging.SetMinimumLevel(LogLevel.Information);
        builder.Logging.AddFilter("Microsoft", LogLevel.Warning);
        builder.Logging.AddFilter("StreamJsonRpc", LogLevel.Warning);
        builder.Logging.AddTerminalSafeConsole(o => { o.SingleLine = true; o.TimestampFormat = "HH:mm:ss "; });
        var eventLog = new EventStoreLoggerProvider();
        builder.Logging.AddProvider(eventLog);
        // Under systemd: Type=notify readiness and the journal's console format. As a Windows service: SCM lifetime.
        builder.Services.AddSystemd();
        builder.Services.AddWindowsService(o => o.ServiceName = "StellaOpsOpsd");
        builder.Services.Configure<HostOptions>(o => o.ShutdownTimeout = TimeSpan.FromSeconds(20));

        builder.Services.AddSingleton(runtime);
        builder.Services.AddSingleton(eventLog);
        // Listening before anything measures: start-up alerts and failures count too.
        builder.Services.AddSingleton(new MetricsRegistry());
        builder.Services.AddSingleton(TimeProvider.System);
        builder.Services.AddOptions<DaemonOptions>().BindConfiguration(DaemonOptions.Section).ValidateOnStart();
        builder.Services.AddOptions<IpcOptions>().BindConfiguration(IpcOptions.Section)
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
        builder.Services.PostConfigure<IpcOptions>(o =>
        {
            // Packaged defaults for system mode; a file or the environment can still name others.
            if (!system) return;
            if (string.IsNullOrEmpty(o.SocketGroup)) o.SocketGroup = "stellaops";
            if (o.OperatorGroups.Count == 0) o.OperatorGroups.Add("stellaops-operators");
            if (o.ReaderGroups.Count == 0) o.ReaderGroups.Add("stellaops-readers");
        });

        AddCore(builder.Services);
        builder.Services.AddHsmCapability();
        builder.Services.AddKeyCapability();
        builder.Services.AddSigningCapability();
        builder.Services.AddAttestorCapability();
        builder.Services.AddTrustCapability();
        // The endpoint starts last, after every capability's hosted services: clients only ever see a ready daemon.
        builder.Services.AddHostedService(sp => sp.GetRequiredService<IpcServer>());
        return builder.Build();
    }

    private static void AddCore(IServiceCollection services)
    {
        services.AddSingleton<DaemonPaths>();
        services.AddSingleton<StatePermissions>();
        services.AddSingleton<StateStore>();
        services.AddSingleton<EventStore>();
        services.AddSingleton<AuditLog>();
        services.AddSingleton<SettingsService>();
        services.AddSingleton<RoleResolver>();
        services.AddSingleton<IpcServer>();

        services.AddSingleton<ISystemRpc, SystemRpc>();
        services.AddSingleton<IConfigRpc, ConfigRpc>();
        services.AddSingleton<ILogRpc, LogRpc>();
        services.AddSingleton<IDoctorRpc, DoctorRpc>();

        services.AddSingleton<ICapabilityStatus, StorageCapability>();
        services.AddSingleton<ICapabilityStatus, IpcCapability>();
        services.AddSingleton<IHealthCheck, StorageHealthCheck>();
        services.AddSingleton<IHealthCheck, EndpointHealthCheck>();

        // Start order matters: state first, then capabilities (registered after this), the endpoint last.
        services.AddHostedService<StateInitializer>();
        services.AddHostedService<EventRetentionService>();
    }

    private static bool IsOctal(string s) => s.Length is 3 or 4 && s.All(c => c is >= '0' and <= '7');
}
