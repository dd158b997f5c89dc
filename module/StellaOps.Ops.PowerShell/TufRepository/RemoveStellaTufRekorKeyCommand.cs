using System.Management.Automation;
using StellaOps.Ops.Tuf.Repository;

namespace StellaOps.Ops.PowerShell.TufRepository;

/// <summary>rotate-rekor-key.sh remove-old: ends the old log key's window — now (a compromise) unless -At says when; re-signed.</summary>
[Cmdlet(VerbsCommon.Remove, "StellaTufRekorKey", SupportsShouldProcess = true, ConfirmImpact = ConfirmImpact.High)]
[OutputType(typeof(TufSignResult))]
public sealed class RemoveStellaTufRekorKeyCommand : TufTargetEditCmdlet
{
    /// <summary>The name given at add-key (or the base64 log id).</summary>
    [Parameter(Mandatory = true, Position = 0)]
    public string Name { get; set; } = "";

    [Parameter]
    public DateTimeOffset? At { get; set; }

    [Parameter]
    public SwitchParameter Force { get; set; }

    protected override void ProcessRecord() => Run(async () =>
    {
        var repo = OpenRepository();
        var logId = repo.Config.LogKeyNames.GetValueOrDefault(Name) ?? Name;
        if (!ShouldProcess(repo.Directory, $"End the Rekor key '{Name}'") || !(Force || ShouldContinue($"Verifiers stop trusting '{Name}' for entries after the end. Continue?", "Remove a Rekor key"))) return;
        var end = At ?? repo.Now;
        WriteObject(await EditAsync(repo, SigstoreTargetEditor.TrustedRoot, b => SigstoreTargetEditor.EndLogKey(b, logId, end), "rekor-key-removed",
            $"{Name} ends {SigstoreTargetEditor.Time(end)}", new() { ["name"] = Name }));
    });
}
