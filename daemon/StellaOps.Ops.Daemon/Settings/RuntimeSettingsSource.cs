using Microsoft.Extensions.Configuration;

namespace StellaOps.Ops.Daemon.Settings;

/// <summary>
/// The top configuration layer: settings changed at run time (Set-StellaConfig), persisted in the state
/// database. Loaded from a snapshot the settings service hands it, so the configuration system never touches
/// the database itself.
/// </summary>
public sealed class RuntimeSettingsSource : IConfigurationSource
{
    public RuntimeSettingsProvider Provider { get; } = new();

    public IConfigurationProvider Build(IConfigurationBuilder builder) => Provider;
}
