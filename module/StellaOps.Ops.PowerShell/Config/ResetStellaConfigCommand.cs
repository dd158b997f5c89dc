using System.Management.Automation;
using StellaOps.Ops.Contracts.Rpc;

namespace StellaOps.Ops.PowerShell.Config;

/// <summary>Reset-StellaConfig: removes the runtime value so the file, environment or default applies again.</summary>
[Cmdlet(VerbsCommon.Reset, "StellaConfig", SupportsShouldProcess = true, ConfirmImpact = ConfirmImpact.Medium)]
[OutputType(typeof(SettingInfo))]
public sealed class ResetStellaConfigCommand : StellaCmdlet
{
    [Parameter(Mandatory = true, Position = 0, ValueFromPipeline = true, ValueFromPipelineByPropertyName = true)]
    [ValidateNotNullOrEmpty]
    [ArgumentCompleter(typeof(SettingNameCompleter))]
    public string[] Name { get; set; } = [];

    [Parameter]
    public SwitchParameter PassThru { get; set; }

    protected override void ProcessRecord()
    {
        foreach (var n in Name)
        {
            if (!ShouldProcess(n, "Remove the runtime value")) continue;
            var result = InvokeForItem((c, _, ct) => c.Config.ResetAsync(n, ct), n);
            if (result is not null)
            {
                WriteVerbose($"{result.Name} = {result.Value} (source {result.Source})");
                if (PassThru) WriteObject(result);
            }
        }
    }
}
