using Microsoft.Extensions.Logging;
using StellaOps.Ops.Contracts;
using StellaOps.Ops.Daemon.Keys;
using StellaOps.Ops.Daemon.Settings;
using StellaOps.Ops.Daemon.SystemInfo;

namespace StellaOps.Ops.Daemon.Attestor;

/// <summary>
/// On reload (and at start) notes the signing mode; turning software signing on logs the compliance warning with
/// who set it, so the switch is in 'stella attest logs' next to the failures it worked around. A reload also says
/// when the mode has no key to sign with, so "switch to software, reload, retry" does not fail silently at the retry.
/// </summary>
public sealed class SigningModeWatch(SigningKeySelection selection, ILogger<SigningModeWatch> logger) : IReloadable
{
    private string? _applied;

    public Task ReloadAsync(CancellationToken cancellationToken)
    {
        Observe(atStart: false);
        var mode = selection.Mode;
        try { selection.Resolve(); }
        catch (OpsException ex)
        {
            // Thrown to the reload, which returns it as a warning: the rest of the reload has taken effect.
            throw new OpsException(ex.Code, $"Signing mode {mode} has no key to sign with: {ex.Message}", ex.Target,
                $"{ex.RecommendedAction?.TrimEnd('.', ' ')}. Then sign what failed meanwhile: '{SigningAdvice.RetryCommand}'.");
        }
        return Task.CompletedTask;
    }

    public void Observe(bool atStart)
    {
        var setting = selection.ModeValue;
        var previous = Interlocked.Exchange(ref _applied, setting.Value);
        if (previous == setting.Value && !atStart) return;
        var who = setting.ChangedBy is { Length: > 0 } by ? $"set by {by} at {setting.ChangedAt:u}" : $"from the {setting.Source.ToString().ToLowerInvariant()} configuration";
        if (setting.Value == "software")
            logger.LogWarning("Attestor signing mode is software ({Who}): {Warning}", who, SettingCatalog.SoftwareSigningWarning);
        else if (!atStart)
            logger.LogInformation("Attestor signing mode is {Mode} ({Who})", setting.Value, who);
    }
}
