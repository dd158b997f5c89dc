using System.Management.Automation;
using StellaOps.Ops.Tuf.Repository;

namespace StellaOps.Ops.PowerShell.TufRepository;

/// <summary>rotate-signing-key.sh retire: the issuer key's window in signing-keys.json ends now (a compromise); re-signed.</summary>
[Cmdlet(VerbsLifecycle.Disable, "StellaTufSigningKey", SupportsShouldProcess = true)]
[OutputType(typeof(TufSignResult))]
public sealed class DisableStellaTufSigningKeyCommand : TufTargetEditCmdlet
{
    [Parameter(Mandatory = true, Position = 0)]
    public string Name { get; set; } = "";

    protected override void ProcessRecord() => Run(async () =>
    {
        var repo = OpenRepository();
        if (!ShouldProcess(repo.Directory, $"Retire the signing key '{Name}'")) return;
        var now = repo.Now;
        WriteObject(await EditAsync(repo, SigstoreTargetEditor.SigningKeys, b => SigstoreTargetEditor.RetireSigningKey(b, Name, now), "signing-key-retired", Name));
    });
}
