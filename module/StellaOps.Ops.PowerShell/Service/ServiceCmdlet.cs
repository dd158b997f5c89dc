using System.Management.Automation;

namespace StellaOps.Ops.PowerShell.Service;

/// <summary>Base of the service cmdlets: -Name takes unit names from the pipeline (a StellaServiceInfo's Name); default the daemon's service.</summary>
public abstract class ServiceCmdlet : ServiceManagerCmdlet
{
    /// <summary>The unit (a bare name gets .service) or Windows service; default the daemon's.</summary>
    [Parameter(Position = 0, ValueFromPipeline = true, ValueFromPipelineByPropertyName = true)]
    [ValidateNotNullOrEmpty]
    [ArgumentCompleter(typeof(ServiceNameCompleter))]
    public string[]? Name { get; set; }

    protected IEnumerable<string> Names => Name is { Length: > 0 } ? Name : [ServiceControl.DefaultName];
}
