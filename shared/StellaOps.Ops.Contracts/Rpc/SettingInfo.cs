namespace StellaOps.Ops.Contracts.Rpc;

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
