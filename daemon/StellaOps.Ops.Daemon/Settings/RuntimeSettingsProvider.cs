using Microsoft.Extensions.Configuration;

namespace StellaOps.Ops.Daemon.Settings;

public sealed class RuntimeSettingsProvider : ConfigurationProvider
{
    /// <summary>Replaces the layer's values (config key → value) and tells every options monitor.</summary>
    public void Replace(IReadOnlyDictionary<string, string> values)
    {
        Data = new Dictionary<string, string?>(values.Select(kv => new KeyValuePair<string, string?>(kv.Key, kv.Value)), StringComparer.OrdinalIgnoreCase);
        OnReload();
    }
}
