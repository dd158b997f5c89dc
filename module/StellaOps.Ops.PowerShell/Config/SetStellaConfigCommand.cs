using System.Management.Automation;
using StellaOps.Ops.Contracts.Rpc;

namespace StellaOps.Ops.PowerShell.Config;

/// <summary>Set-StellaConfig: validates, persists and applies a runtime value in the daemon.</summary>
[Cmdlet(VerbsCommon.Set, "StellaConfig", SupportsShouldProcess = true, ConfirmImpact = ConfirmImpact.Medium)]
[OutputType(typeof(SettingInfo))]
public sealed class SetStellaConfigCommand : StellaCmdlet
{
    [Parameter(Mandatory = true, Position = 0, ValueFromPipelineByPropertyName = true)]
    [ValidateNotNullOrEmpty]
    [ArgumentCompleter(typeof(SettingNameCompleter))]
    public string Name { get; set; } = "";

    [Parameter(Mandatory = true, Position = 1)]
    [AllowEmptyString]
    public string Value { get; set; } = "";

    [Parameter]
    public SwitchParameter PassThru { get; set; }

    protected override void ProcessRecord()
    {
        if (!ShouldProcess(Name, $"Set the setting to '{Value}'")) return;
        var result = InvokeForItem((c, _, ct) => c.Config.SetAsync(Name, Value, ct), Name);
        if (result is null) return;
        if (!string.IsNullOrEmpty(result.Warning)) WriteWarning(result.Warning);
        WriteVerbose($"{result.Name} = {result.Value} (source {result.Source}{(result.AppliesLive ? ", applied live" : ", applies after a restart")})");
        if (PassThru) WriteObject(result);
    }
}
