using Microsoft.Extensions.Configuration;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Hosting;
using Microsoft.Extensions.Logging;
using Microsoft.Extensions.Options;
using StellaOps.Ops.Contracts.Rpc;
using StellaOps.Ops.Daemon.Attestor;
using StellaOps.Ops.Daemon.Verification;
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
using StellaOps.Ops.Daemon.TrustSync;

namespace StellaOps.Ops.Daemon.Hosting;

/// <summary>Composes the daemon: configuration layers, services of each capability, and the hosted services in start order.</summary>
public static class DaemonHost
{
    public const string EnvironmentPrefix = "STELLAOPS_";

    public static IHost Build(string[] args) => CreateBuilder(args).Build();

    /// <summary>Every registration, not built yet: the configuration layers, then the capabilities in start order.</summary>
    public static HostApplicationBuilder CreateBuilder(string[] args)
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
        builder.Services.AddSingleton(TimeProvider.System);
        builder.Services.AddOptions<DaemonOptions>().BindConfiguration(DaemonOptions.Section).ValidateOnStart();

        // Every capability through its own registration class in its folder (docs/architecture.md, "How to add a capability").
        AddCore(builder.Services, system);
        builder.Services.AddHsmCapability();
        builder.Services.AddKeyCapability();
        builder.Services.AddSigningCapability();
        builder.Services.AddAttestorCapability();
        builder.Services.AddVerificationCapability();
        builder.Services.AddTrustCapability();
        builder.Services.AddTrustSyncCapability();
        // The endpoint starts last, after every capability's hosted services: clients only ever see a ready daemon.
        builder.Services.AddIpcEndpoint();
        return builder;
    }

    /// <summary>Hosting's own parts (paths, state ownership, the state opened first), then the capabilities the others build on.</summary>
    private static void AddCore(IServiceCollection services, bool system)
    {
        services.AddSingleton<DaemonPaths>();
        services.AddSingleton<StatePermissions>();
        // Start order matters: state first, then capabilities (registered after this), the endpoint last.
        services.AddHostedService<StateInitializer>();
        services.AddStorageCapability();
        services.AddObservabilityCapability();
        services.AddSettingsCapability();
        services.AddIpcCapability(system);
        services.AddSystemInfoCapability();
        services.AddDoctorCapability();
    }
}
