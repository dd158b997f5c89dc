using System.Management.Automation;

namespace StellaOps.Ops.PowerShell;

/// <summary>Closes every cached daemon connection when the module is removed (Remove-Module StellaOps).</summary>
public sealed class ModuleInit : IModuleAssemblyCleanup
{
    public void OnRemove(PSModuleInfo psModuleInfo) => ConnectionCache.CloseEverything();
}
