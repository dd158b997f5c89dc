using System.Management.Automation;
using StellaOps.Ops.Contracts.Rpc;

namespace StellaOps.Ops.PowerShell.Daemon;

/// <summary>
/// Get-StellaMetric: the daemon's metrics as they stand now (since it started), e.g. the runbook symptom
/// "attestor_signing_failures_total increasing". One object per metric and tag set.
/// </summary>
[Cmdlet(VerbsCommon.Get, "StellaMetric")]
[OutputType(typeof(MetricSample))]
public sealed class GetStellaMetricCommand : StellaCmdlet
{
    [Parameter(Position = 0, ValueFromPipeline = true, ValueFromPipelineByPropertyName = true)]
    [SupportsWildcards]
    [ValidateNotNullOrEmpty]
    [ArgumentCompletions("attestor_*", "attestor_signing_failures_total", "stellaops_*")]
    public string[]? Name { get; set; }

    protected override void ProcessRecord()
    {
        foreach (var name in Name ?? [null!])
        {
            var samples = InvokeForItem((c, _, ct) => c.System.GetMetricsAsync(name, ct), name);
            if (samples is null) continue;
            // The daemon lists a series once something was measured, so "nothing" may mean "zero so far": not an error.
            if (samples.Length == 0) WriteVerbose($"The daemon has measured nothing{(name is null ? "" : $" named '{name}'")} since it started (a counter that never counted, or no such metric).");
            WriteObject(samples, enumerateCollection: true);
        }
    }
}
