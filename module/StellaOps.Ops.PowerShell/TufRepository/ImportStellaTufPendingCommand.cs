using System.Management.Automation;

namespace StellaOps.Ops.PowerShell.TufRepository;

/// <summary>Takes the signatures of a signed pending file into the repository's pending root (each one verified); writes who still has to sign.</summary>
[Cmdlet(VerbsData.Import, "StellaTufPending", SupportsShouldProcess = true)]
[OutputType(typeof(string))]
public sealed class ImportStellaTufPendingCommand : TufRepositoryCmdlet
{
    [Parameter(Mandatory = true, Position = 0, ValueFromPipelineByPropertyName = true)]
    [Alias("FullName")]
    public string Path { get; set; } = "";

    protected override void ProcessRecord() => Run(() =>
    {
        var path = ResolvePath(Path);
        var repo = OpenRepository();
        if (!ShouldProcess(repo.Directory, $"Import the signatures in {path}")) return;
        foreach (var m in repo.ImportPending(path)) WriteObject(m);
    });
}
