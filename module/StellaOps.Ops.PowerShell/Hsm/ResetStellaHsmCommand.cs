using System.Management.Automation;
using StellaOps.Ops.Contracts.Rpc;

namespace StellaOps.Ops.PowerShell.Hsm;

/// <summary>Reset-StellaHsm: reconnects every HSM (new sessions, log in again); -ReloadLibrary also unloads and reloads the PKCS#11 module.</summary>
[Cmdlet(VerbsCommon.Reset, "StellaHsm", SupportsShouldProcess = true, ConfirmImpact = ConfirmImpact.Medium)]
[OutputType(typeof(HsmStatus))]
public sealed class ResetStellaHsmCommand : StellaCmdlet
{
    /// <summary>Unloads and reloads the PKCS#11 module (and picks up a changed hsm.pkcs11.library_path).</summary>
    [Parameter]
    public SwitchParameter ReloadLibrary { get; set; }

    protected override void ProcessRecord()
    {
        var action = ReloadLibrary
            ? "Reload the PKCS#11 module and reconnect (signing in progress is interrupted)"
            : "Reconnect: close the sessions and log in again (signing in progress is interrupted)";
        if (!ShouldProcess("hsm", action)) return;
        var status = InvokeForItem((c, _, ct) => c.Hsm.ResetAsync(ReloadLibrary, ct), "hsm", "Resetting the HSM connections");
        if (status is not null) WriteObject(status);
    }
}
