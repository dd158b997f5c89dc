using System.Management.Automation;

namespace StellaOps.Ops.PowerShell.Keys;

/// <summary>
/// The cmdlets that act on keys named by id: one mandatory, positional, pipeline-bound <c>-Id</c> with the key id
/// completer, declared once. Each derived cmdlet loops over <see cref="Id"/> with its own ShouldProcess and RPC.
/// </summary>
public abstract class StellaKeyIdCmdlet : StellaCmdlet
{
    [Parameter(Mandatory = true, Position = 0, ValueFromPipeline = true, ValueFromPipelineByPropertyName = true)]
    [ValidateNotNullOrEmpty]
    [ArgumentCompleter(typeof(KeyIdCompleter))]
    public string[] Id { get; set; } = [];
}
