using System.Management.Automation;
using StellaOps.Ops.Contracts.Rpc;

namespace StellaOps.Ops.PowerShell.Doctor;

/// <summary>Get-StellaDoctorCheck: the health checks the daemon knows, with what each looks at.</summary>
[Cmdlet(VerbsCommon.Get, "StellaDoctorCheck")]
[OutputType(typeof(DoctorCheckInfo))]
public sealed class GetStellaDoctorCheckCommand : StellaCmdlet
{
    [Parameter(Position = 0, ValueFromPipeline = true, ValueFromPipelineByPropertyName = true)]
    [SupportsWildcards]
    [ValidateNotNullOrEmpty]
    [ArgumentCompleter(typeof(DoctorCheckCompleter))]
    [Alias("Check")]
    public string[]? Name { get; set; }

    protected override void ProcessRecord()
    {
        var all = InvokeForItem((c, _, ct) => c.Doctor.ListAsync(ct), null);
        if (all is null) return;
        if (Name is null || Name.Length == 0)
        {
            WriteObject(all, enumerateCollection: true);
            return;
        }
        foreach (var n in Name)
        {
            var pattern = WildcardPattern.Get(n, WildcardOptions.IgnoreCase);
            var hits = all.Where(c => pattern.IsMatch(c.Check)).ToArray();
            if (hits.Length == 0 && !WildcardPattern.ContainsWildcardCharacters(n))
            {
                var closest = StellaOps.Ops.Contracts.Text.Fuzzy.Closest(n, all.Select(c => c.Check));
                WriteOpsError(new StellaOps.Ops.Contracts.OpsException(StellaOps.Ops.Contracts.OpsErrorCode.NotFound,
                    $"There is no doctor check '{n}'.{(closest is null ? "" : $" Did you mean '{closest}'?")}", n,
                    "List the checks with Get-StellaDoctorCheck."), n);
            }
            WriteObject(hits, enumerateCollection: true);
        }
    }
}
