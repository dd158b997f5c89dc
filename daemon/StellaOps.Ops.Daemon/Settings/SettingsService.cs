using Microsoft.Extensions.Configuration;
using Microsoft.Extensions.Configuration.CommandLine;
using Microsoft.Extensions.Configuration.EnvironmentVariables;
using Microsoft.Extensions.Configuration.Json;
using Microsoft.Extensions.Logging;
using StellaOps.Ops.Contracts;
using StellaOps.Ops.Contracts.Rpc;
using StellaOps.Ops.Contracts.Text;
using StellaOps.Ops.Daemon.Storage;

namespace StellaOps.Ops.Daemon.Settings;

/// <summary>
/// Reads, changes and reloads the layered settings. A change is validated, persisted in one transaction, then
/// pushed into the runtime configuration layer, which every IOptionsMonitor sees at once (applied live).
/// </summary>
public sealed class SettingsService(
    IConfiguration configuration,
    RuntimeSettingsSource runtime,
    StateStore store,
    IEnumerable<ISettingValidator> validators,
    ILogger<SettingsService> logger)
{
    private readonly IConfigurationRoot _root = (IConfigurationRoot)configuration;
    private readonly Lock _gate = new();
    private Dictionary<string, StoredSetting> _stored = new(StringComparer.OrdinalIgnoreCase);

    /// <summary>Loads the persisted runtime values into the top configuration layer. Called once at start.</summary>
    public void Load()
    {
        lock (_gate)
        {
            _stored = ReadStored();
            foreach (var unknown in _stored.Keys.Where(k => SettingCatalog.Find(k) is null))
                logger.LogWarning("Ignoring stored setting {Name}: this daemon version does not know it", unknown);
            Apply();
        }
    }

    public SettingInfo[] Get(string? pattern)
    {
        var matcher = string.IsNullOrWhiteSpace(pattern) ? null : new WildcardMatcher(pattern);
        var result = SettingCatalog.All.Where(d => matcher?.IsMatch(d.Name) ?? true).Select(Describe).ToArray();
        if (result.Length == 0 && matcher is { HasWildcards: false })
            throw SettingNotFound(pattern!);
        return result;
    }

    public (SettingInfo Setting, string? Warning) Set(string name, string value, CallerIdentity? caller)
    {
        var def = SettingCatalog.Find(name) ?? throw SettingNotFound(name);
        var normalized = def.Normalize(value);
        foreach (var v in validators) v.Validate(def, normalized);
        var who = caller?.ToString() ?? "daemon";
        var now = DateTimeOffset.UtcNow;
        lock (_gate)
        {
            store.InTransaction((c, tx) =>
            {
                using var cmd = c.CreateCommand();
                cmd.Transaction = tx;
                cmd.CommandText = """
                    INSERT INTO settings(name, value, changed_by, changed_at) VALUES ($n, $v, $b, $t)
                    ON CONFLICT(name) DO UPDATE SET value = excluded.value, changed_by = excluded.changed_by, changed_at = excluded.changed_at;
                    """;
                cmd.Parameters.AddWithValue("$n", def.Name);
                cmd.Parameters.AddWithValue("$v", normalized);
                cmd.Parameters.AddWithValue("$b", who);
                cmd.Parameters.AddWithValue("$t", now.ToString("O"));
                return cmd.ExecuteNonQuery();
            });
            _stored[def.Name] = new StoredSetting(normalized, who, now);
            Apply();
        }
        var warning = def.WarningFor?.Invoke(normalized);
        if (warning is not null) logger.LogWarning("{Setting} set to {Value} by {Caller}: {Warning}", def.Name, normalized, who, warning);
        else logger.LogInformation("{Setting} set to {Value} by {Caller}", def.Name, normalized, who);
        return (Describe(def), warning);
    }

    public SettingInfo Reset(string name, CallerIdentity? caller)
    {
        var def = SettingCatalog.Find(name) ?? throw SettingNotFound(name);
        lock (_gate)
        {
            store.InTransaction((c, tx) =>
            {
                using var cmd = c.CreateCommand();
                cmd.Transaction = tx;
                cmd.CommandText = "DELETE FROM settings WHERE name = $n;";
                cmd.Parameters.AddWithValue("$n", def.Name);
                return cmd.ExecuteNonQuery();
            });
            _stored.Remove(def.Name);
            Apply();
        }
        logger.LogInformation("{Setting} reset to its configured value by {Caller}", def.Name, caller?.ToString() ?? "daemon");
        return Describe(def);
    }

    /// <summary>Re-reads the configuration file, the environment and the stored values; returns the settings whose effective value changed.</summary>
    public IReadOnlyList<string> Reload()
    {
        lock (_gate)
        {
            var before = SettingCatalog.All.ToDictionary(d => d.Name, d => _root[d.ConfigKey]);
            _stored = ReadStored();
            _root.Reload();
            Apply();
            return [.. SettingCatalog.All.Where(d => !string.Equals(before[d.Name], _root[d.ConfigKey], StringComparison.Ordinal)).Select(d => d.Name)];
        }
    }

    /// <summary>The effective value of a setting, normalized (e.g. durations as <c>30s</c>).</summary>
    public string Value(string name)
    {
        var def = SettingCatalog.Find(name) ?? throw SettingNotFound(name);
        return Describe(def).Value;
    }

    private void Apply() => runtime.Provider.Replace(_stored
        .Where(kv => SettingCatalog.Find(kv.Key) is not null)
        .ToDictionary(kv => SettingCatalog.Find(kv.Key)!.ConfigKey, kv => kv.Value.Value));

    private SettingInfo Describe(SettingDefinition def)
    {
        var raw = _root[def.ConfigKey] ?? def.DefaultValue;
        string value;
        try { value = def.Normalize(raw); }
        catch (OpsException) { value = raw; }
        _stored.TryGetValue(def.Name, out var stored);
        var source = SourceOf(def.ConfigKey);
        return new SettingInfo
        {
            Name = def.Name,
            Value = value,
            DefaultValue = def.DefaultValue,
            Source = source,
            Type = def.Type,
            AllowedValues = def.AllowedValues,
            Description = def.Description,
            AppliesLive = def.AppliesLive,
            ChangedBy = source == SettingSource.Runtime ? stored?.ChangedBy : null,
            ChangedAt = source == SettingSource.Runtime ? stored?.ChangedAt : null,
        };
    }

    private SettingSource SourceOf(string key)
    {
        foreach (var provider in _root.Providers.Reverse())
        {
            if (!provider.TryGet(key, out _)) continue;
            return provider switch
            {
                RuntimeSettingsProvider => SettingSource.Runtime,
                CommandLineConfigurationProvider => SettingSource.CommandLine,
                EnvironmentVariablesConfigurationProvider => SettingSource.Environment,
                JsonConfigurationProvider => SettingSource.File,
                _ => SettingSource.Default,
            };
        }
        return SettingSource.Default;
    }

    private Dictionary<string, StoredSetting> ReadStored()
    {
        using var c = store.Open();
        using var cmd = c.CreateCommand();
        cmd.CommandText = "SELECT name, value, changed_by, changed_at FROM settings;";
        using var r = cmd.ExecuteReader();
        var map = new Dictionary<string, StoredSetting>(StringComparer.OrdinalIgnoreCase);
        while (r.Read())
            map[r.GetString(0)] = new StoredSetting(r.GetString(1), r.GetString(2), DateTimeOffset.Parse(r.GetString(3), System.Globalization.CultureInfo.InvariantCulture));
        return map;
    }

    private static OpsException SettingNotFound(string name)
    {
        var closest = Fuzzy.Closest(name, SettingCatalog.All.Select(d => d.Name));
        return new OpsException(OpsErrorCode.SettingNotFound,
            $"There is no setting named '{name}'." + (closest is null ? "" : $" Did you mean '{closest}'?"),
            name, "Run Get-StellaConfig to list every setting.");
    }

    private sealed record StoredSetting(string Value, string ChangedBy, DateTimeOffset ChangedAt);
}
