using System.Management.Automation;

namespace StellaOps.Ops.PowerShell.TufRepository;

/// <summary>Writes the pending root to a file, for a holder to sign on another machine (Add-StellaTufSignature) and bring back (Import-StellaTufPending).</summary>
[Cmdlet(VerbsData.Export, "StellaTufPending", SupportsShouldProcess = true)]
[OutputType(typeof(FileInfo))]
public sealed class ExportStellaTufPendingCommand : TufRepositoryCmdlet
{
    [Parameter(Mandatory = true, Position = 0)]
    public string Path { get; set; } = "";

    protected override void ProcessRecord() => Run(() =>
    {
        var path = ResolvePath(Path);
        if (!ShouldProcess(path, "Export the pending TUF root")) return;
        OpenRepository().ExportPending(path);
        WriteObject(new FileInfo(path));
    });
}
