using StellaOps.Ops.Contracts.Rpc;
using StellaOps.Ops.Daemon.Ipc;

namespace StellaOps.Ops.Daemon.Settings;

public sealed class ConfigRpc(SettingsService settings) : IConfigRpc
{
    public Task<SettingInfo[]> GetAsync(string? name, CancellationToken cancellationToken) => Task.FromResult(settings.Get(name));

    public Task<SettingInfo> SetAsync(string name, string value, CancellationToken cancellationToken)
    {
        var (setting, warning) = settings.Set(name, value, CallerContext.Current);
        return Task.FromResult(setting with { Warning = warning });
    }

    public Task<SettingInfo> ResetAsync(string name, CancellationToken cancellationToken)
        => Task.FromResult(settings.Reset(name, CallerContext.Current));
}
