using System.Management.Automation;
using StellaOps.Ops.Tuf.Repository;

namespace StellaOps.Ops.PowerShell.TufRepository;

/// <summary>disaster-swap-endpoint.sh: the signing config's open Rekor windows end now, the new URL's starts now; the note goes to the change log; re-signed.</summary>
[Cmdlet(VerbsCommon.Set, "StellaTufRekorEndpoint", SupportsShouldProcess = true)]
[OutputType(typeof(TufSignResult))]
public sealed class SetStellaTufRekorEndpointCommand : TufTargetEditCmdlet
{
    [Parameter(Mandatory = true, Position = 0)]
    public Uri Url { get; set; } = null!;

    [Parameter(Mandatory = true)]
    [ValidateNotNullOrEmpty]
    public string Note { get; set; } = "";

    protected override void ProcessRecord() => Run(async () =>
    {
        if (!Url.IsAbsoluteUri || Url.Scheme is not ("https" or "http"))
            throw new ArgumentException($"'{Url}' is not an http(s) URL.");
        var repo = OpenRepository();
        if (!ShouldProcess(repo.Directory, $"Swap the Rekor endpoint to {Url}")) return;
        var now = repo.Now;
        WriteObject(await EditAsync(repo, SigstoreTargetEditor.SigningConfig, b => SigstoreTargetEditor.SwapRekorUrl(b, Url, now), "swap-endpoint", Note,
            new() { ["rekorUrl"] = Url.ToString() }));
    });
}
