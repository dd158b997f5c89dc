using System.Management.Automation;
using StellaOps.Ops.Tuf.Repository;

namespace StellaOps.Ops.PowerShell.TufRepository;

/// <summary>Each role's version, expiry, keys, threshold, signatures present and missing, and the pending changes.</summary>
[Cmdlet(VerbsCommon.Get, "StellaTufRepository")]
[OutputType(typeof(TufRepositoryStatus))]
public sealed class GetStellaTufRepositoryCommand : TufRepositoryCmdlet
{
    protected override void ProcessRecord() => Run(() => WriteObject(OpenRepository().GetStatus()));
}
