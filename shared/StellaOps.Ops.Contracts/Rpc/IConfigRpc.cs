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
