using System.Management.Automation;
using StellaOps.Ops.Contracts.Rpc;

namespace StellaOps.Ops.PowerShell.Keys;

/// <summary>Invoke-StellaKeyRotation: replaces the key (or the active key) with a new one of the same kind and activates it.</summary>
[Cmdlet(VerbsLifecycle.Invoke, "StellaKeyRotation", SupportsShouldProcess = true, ConfirmImpact = ConfirmImpact.High)]
[OutputType(typeof(KeyRotationResult))]
public sealed class InvokeStellaKeyRotationCommand : StellaCmdlet
{
    [Parameter(Position = 0, ValueFromPipelineByPropertyName = true)]
    [ValidateNotNullOrEmpty]
    [ArgumentCompleter(typeof(KeyIdCompleter))]
    public string? Id { get; set; }

    protected override void ProcessRecord()
    {
        var target = Id ?? "the active signing key";
        if (!ShouldProcess(target, "Rotate: generate and activate a replacement; the old key is retired after the overlap")) return;
        var result = InvokeForItem((c, _, ct) => c.Keys.RotateAsync(Id, ct), Id, "Rotating key");
        if (result is not null) WriteObject(result);
    }
}
