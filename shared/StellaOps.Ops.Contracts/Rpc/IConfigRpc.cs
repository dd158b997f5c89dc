using StreamJsonRpc;

namespace StellaOps.Ops.Contracts.Rpc;

/// <summary>The typed settings registry behind Get-/Set-StellaConfig.</summary>
[JsonRpcContract]
public partial interface IConfigRpc
{
    /// <summary>Settings whose names match <paramref name="name"/> (wildcards allowed); all when null.</summary>
    [RequiresRole(CallerRole.Reader)]
    Task<SettingInfo[]> GetAsync(string? name, CancellationToken cancellationToken);

    /// <summary>Validates, persists and applies a runtime value; returns the new effective setting.</summary>
    [RequiresRole(CallerRole.Operator)]
    Task<SettingInfo> SetAsync(string name, string value, CancellationToken cancellationToken);

    /// <summary>Removes the runtime value so the file, environment or built-in default applies again.</summary>
    [RequiresRole(CallerRole.Operator)]
    Task<SettingInfo> ResetAsync(string name, CancellationToken cancellationToken);
}

public enum SettingSource { Default, File, Environment, CommandLine, Runtime }

public enum SettingType { String, Boolean, Integer, Duration, Choice, Path }

public sealed record SettingInfo
{
    /// <summary>The runbook name, e.g. <c>hsm.session.timeout</c>.</summary>
    public string Name { get; init; } = "";
    public string Value { get; init; } = "";
    public string DefaultValue { get; init; } = "";
    public SettingSource Source { get; init; }
    public SettingType Type { get; init; }
    public IReadOnlyList<string> AllowedValues { get; init; } = [];
    public string Description { get; init; } = "";
    /// <summary>False when the new value only takes effect on restart (the endpoint, the state directory).</summary>
    public bool AppliesLive { get; init; } = true;
    public string? ChangedBy { get; init; }
    public DateTimeOffset? ChangedAt { get; init; }
    /// <summary>Set only in the answer to a change that the operator must be warned about (software signing).</summary>
    public string? Warning { get; init; }
}
