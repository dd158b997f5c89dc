using System.Management.Automation;
using StellaOps.Ops.Contracts.Rpc;

namespace StellaOps.Ops.PowerShell.Doctor;

/// <summary>Invoke-StellaDoctor: runs the daemon's health checks and returns one result per check (stella doctor --check).</summary>
[Cmdlet(VerbsLifecycle.Invoke, "StellaDoctor")]
[OutputType(typeof(DoctorResult))]
public sealed class InvokeStellaDoctorCommand : StellaCmdlet
{
    [Parameter(Position = 0, ValueFromPipeline = true, ValueFromPipelineByPropertyName = true)]
    [SupportsWildcards]
    [ValidateNotNullOrEmpty]
    [ArgumentCompleter(typeof(DoctorCheckCompleter))]
    public string[]? Check { get; set; }

    private readonly List<string> _checks = [];

    protected override void ProcessRecord()
    {
        if (Check is not null) _checks.AddRange(Check);
    }

    protected override void EndProcessing()
    {
        string[]? checks = _checks.Count == 0 ? null : [.. _checks];
        var results = InvokeForItem((c, progress, ct) => c.Doctor.RunAsync(checks, progress, ct), checks is null ? null : string.Join(",", checks), "StellaOps doctor");
        if (results is not null) WriteObject(results, enumerateCollection: true);
        base.EndProcessing();
    }
}
