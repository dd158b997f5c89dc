using System.Management.Automation;

namespace StellaOps.Ops.PowerShell.Service;

/// <summary>Get-StellaScheduledCheck: the scheduled checks, their interval, next and last run, and whether the last run failed.</summary>
[Cmdlet(VerbsCommon.Get, "StellaScheduledCheck")]
[OutputType(typeof(StellaScheduledCheck))]
public sealed class GetStellaScheduledCheckCommand : ServiceManagerCmdlet
{
    /// <summary>Names (wildcards allowed); none: all.</summary>
    [Parameter(Position = 0, ValueFromPipeline = true, ValueFromPipelineByPropertyName = true)]
    [ArgumentCompleter(typeof(ScheduledCheckNameCompleter))]
    public string[]? Name { get; set; }

    protected override void ProcessRecord()
    {
        Run("scheduled checks", () =>
        {
            var all = ScheduledChecks.Get(StopToken).ToList();
            if (Name is not { Length: > 0 }) { foreach (var c in all) WriteObject(c); return; }
            foreach (var n in Name)
            {
                var pattern = new WildcardPattern(n, WildcardOptions.IgnoreCase);
                var hits = all.Where(c => pattern.IsMatch(c.Name)).ToList();
                if (hits.Count == 0 && !WildcardPattern.ContainsWildcardCharacters(n)) WriteError(ErrorMapping.ToErrorRecord(ScheduledChecks.NotFound(n), n));
                foreach (var c in hits) WriteObject(c);
            }
        });
    }
}
