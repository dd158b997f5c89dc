using System.Management.Automation;
using StellaOps.Ops.Contracts.Rpc;

namespace StellaOps.Ops.PowerShell.Config;

/// <summary>Get-StellaConfig: the daemon's settings with their effective value and where it comes from.</summary>
[Cmdlet(VerbsCommon.Get, "StellaConfig")]
[OutputType(typeof(SettingInfo))]
public sealed class GetStellaConfigCommand : StellaCmdlet
{
    [Parameter(Position = 0, ValueFromPipeline = true, ValueFromPipelineByPropertyName = true)]
    [SupportsWildcards]
    [ValidateNotNullOrEmpty]
    [ArgumentCompleter(typeof(SettingNameCompleter))]
    public string[]? Name { get; set; }

    protected override void ProcessRecord()
    {
        if (Name is null || Name.Length == 0)
        {
            var all = InvokeForItem((c, _, ct) => c.Config.GetAsync(null, ct), null);
            if (all is not null) WriteObject(all, enumerateCollection: true);
            return;
        }
        foreach (var n in Name)
        {
            var found = InvokeForItem((c, _, ct) => c.Config.GetAsync(n, ct), n);
            if (found is not null) WriteObject(found, enumerateCollection: true);
        }
    }
}
