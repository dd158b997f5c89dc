using System.Management.Automation;
using StellaOps.Ops.Contracts.Rpc;

namespace StellaOps.Ops.PowerShell.Daemon;

/// <summary>Invoke-StellaReload: the daemon re-reads its configuration file and applies settings live (stella attest reload).</summary>
[Cmdlet(VerbsLifecycle.Invoke, "StellaReload", SupportsShouldProcess = true, ConfirmImpact = ConfirmImpact.Medium)]
[OutputType(typeof(ReloadResult))]
public sealed class InvokeStellaReloadCommand : StellaCmdlet
{
    protected override void ProcessRecord()
    {
        if (!ShouldProcess(StellaOps.Ops.Contracts.Protocol.ResolveClientEndpoint(Endpoint), "Reload the daemon's configuration")) return;
        var result = InvokeForItem((c, _, ct) => c.System.ReloadAsync(ct), null);
        if (result is null) return;
        // What a capability could not apply (an unreachable HSM) is a warning: the rest of the reload took effect.
        foreach (var warning in result.Warnings) WriteWarning(warning);
        WriteObject(result);
    }
}
