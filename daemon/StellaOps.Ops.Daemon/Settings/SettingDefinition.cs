using System.Globalization;
using StellaOps.Ops.Contracts;
using StellaOps.Ops.Contracts.Rpc;

namespace StellaOps.Ops.Daemon.Settings;

/// <summary>
/// One runtime setting: its runbook name (<c>hsm.session.timeout</c>), the configuration key it sets
/// (<c>Hsm:Session:Timeout</c>), its type and its built-in default. Each capability declares its own and
/// registers them with <see cref="SettingsServiceCollectionExtensions.AddSettings"/>.
/// </summary>
public sealed record SettingDefinition(string Name, string ConfigKey, SettingType Type, string DefaultValue, string Description)
{
    public IReadOnlyList<string> AllowedValues { get; init; } = [];
    public int? Minimum { get; init; }
    public int? Maximum { get; init; }
    public Duration? MinimumDuration { get; init; }
    public bool AppliesLive { get; init; } = true;

    /// <summary>A warning the daemon logs and returns when the setting is changed to a value (e.g. software signing).</summary>
    public Func<string, string?>? WarningFor { get; init; }

    public static SettingDefinition Duration(string name, string key, string @default, string description, string minimum = "0s")
        => new(name, key, SettingType.Duration, @default, description) { MinimumDuration = Contracts.Duration.Parse(minimum) };

    public static SettingDefinition Boolean(string name, string key, bool @default, string description)
        => new(name, key, SettingType.Boolean, @default ? "true" : "false", description) { AllowedValues = ["true", "false"] };

    public static SettingDefinition Integer(string name, string key, int @default, string description, int min, int max)
        => new(name, key, SettingType.Integer, @default.ToString(CultureInfo.InvariantCulture), description) { Minimum = min, Maximum = max };

    public static SettingDefinition Choice(string name, string key, string @default, string description, params string[] allowed)
        => new(name, key, SettingType.Choice, @default, description) { AllowedValues = allowed };

    public static SettingDefinition Text(string name, string key, string @default, string description)
        => new(name, key, SettingType.String, @default, description);

    public static SettingDefinition FilePath(string name, string key, string @default, string description)
        => new(name, key, SettingType.Path, @default, description);

    /// <summary>Checks and normalizes a value; throws <see cref="OpsException"/> with the accepted forms when it is wrong.</summary>
    public string Normalize(string? raw)
    {
        var value = raw?.Trim() ?? "";
        string Fail(string expected) => throw new OpsException(OpsErrorCode.InvalidSetting,
            $"'{value}' is not a valid value for {Name}: {expected}.", Name, $"Run 'Get-StellaConfig -Name {Name}' to see its type and current value.");

        switch (Type)
        {
            case SettingType.Boolean:
                return value.ToLowerInvariant() switch
                {
                    "true" or "yes" or "on" or "1" or "enabled" => "true",
                    "false" or "no" or "off" or "0" or "disabled" => "false",
                    _ => Fail("use true or false"),
                };
            case SettingType.Integer:
                if (!int.TryParse(value, NumberStyles.Integer, CultureInfo.InvariantCulture, out var n)) return Fail("use a whole number");
                if (n < (Minimum ?? int.MinValue) || n > (Maximum ?? int.MaxValue)) return Fail($"use a number from {Minimum} to {Maximum}");
                return n.ToString(CultureInfo.InvariantCulture);
            case SettingType.Duration:
                if (!Contracts.Duration.TryParse(value, out var d)) return Fail("use a duration like 60s, 30m, 1h or 7d");
                if (MinimumDuration is { } min && d.Value < min.Value) return Fail($"use at least {min}");
                return d.ToString();
            case SettingType.Choice:
                var match = AllowedValues.FirstOrDefault(a => string.Equals(a, value, StringComparison.OrdinalIgnoreCase));
                return match ?? Fail("use one of " + string.Join(", ", AllowedValues));
            case SettingType.Path:
                if (value.Length > 0 && !Path.IsPathFullyQualified(value)) return Fail("use an absolute path");
                return value;
            default:
                if (value.Any(char.IsControl)) return Fail("control characters are not allowed");
                return value;
        }
    }
}
