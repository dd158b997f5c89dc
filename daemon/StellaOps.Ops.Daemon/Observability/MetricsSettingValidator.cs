using Microsoft.Extensions.Configuration;
using StellaOps.Ops.Daemon.Settings;

namespace StellaOps.Ops.Daemon.Observability;

/// <summary>
/// 'stella attest config set metrics.listen …' (or metrics.allow_non_loopback) is refused when the pair it leaves would
/// stop the next start: the endpoint's rule (<see cref="MetricsListenAddress.Parse"/>) over the value being set and the other one.
/// </summary>
public sealed class MetricsSettingValidator(IConfiguration configuration) : ISettingValidator
{
    public void Validate(SettingDefinition setting, string normalizedValue)
    {
        if (setting.Name == MetricsListenAddress.ListenSetting)
            MetricsListenAddress.Parse(normalizedValue, configuration.GetValue<bool>($"{MetricsOptions.Section}:{nameof(MetricsOptions.AllowNonLoopback)}"));
        else if (setting.Name == MetricsListenAddress.AllowNonLoopbackSetting)
            MetricsListenAddress.Parse(configuration[$"{MetricsOptions.Section}:{nameof(MetricsOptions.Listen)}"], normalizedValue == "true");
    }
}
