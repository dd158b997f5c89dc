using System.Management.Automation;
using StellaOps.Ops.Tuf.Snapshots;

namespace StellaOps.Ops.PowerShell.TrustSync;

/// <summary>
/// Export-StellaTrustSnapshot (<c>stella trust snapshot export --out FILE</c>): writes the daemon's verified TUF
/// metadata chain and Sigstore trust targets as a .tar.zst bundle with a manifest of hashes, for an air-gapped
/// client (Import-StellaTrustSnapshot, bootstrap-trust-offline.sh). -IncludeRoot also puts the current root.json in
/// it, to hand to a new client out of band.
/// </summary>
[Cmdlet(VerbsData.Export, "StellaTrustSnapshot", SupportsShouldProcess = true, ConfirmImpact = ConfirmImpact.Low)]
[OutputType(typeof(FileInfo))]
public sealed class ExportStellaTrustSnapshotCommand : TrustSyncCmdlet
{
    [Parameter(Mandatory = true, Position = 0)]
    [Alias("Out", "OutFile")]
    [ValidateNotNullOrEmpty]
    public string Path { get; set; } = "";

    [Parameter]
    public SwitchParameter IncludeRoot { get; set; }

    protected override void EndProcessing()
    {
        var full = ResolveFile(Path, nameof(Path), mustExist: false);
        if (!ShouldProcess(full, "Write a trust snapshot" + (IncludeRoot ? " including the root" : ""))) return;
        // The daemon's refusal of the export (trust not configured) is this command's error, as -ErrorAction says; a
        // refused caller or a lost daemon still ends the command.
        var files = InvokeForItem((c, _, ct) => c.TrustSync.ExportSnapshotAsync(IncludeRoot, ct), full);
        if (files is null) return;
        var temp = full + ".partial";
        try
        {
            using (var stream = new FileStream(temp, FileMode.Create, FileAccess.Write, FileShare.None))
            {
                TrustSnapshotBundle.Write(stream, files.Files, "daemon export", DateTimeOffset.UtcNow);
                stream.Flush(flushToDisk: true);
            }
            File.Move(temp, full, overwrite: true);
        }
        catch (Exception ex) when (ex is IOException or UnauthorizedAccessException)
        {
            try { File.Delete(temp); } catch (IOException) { }
            ThrowTerminatingError(new ErrorRecord(ex, "SnapshotNotWritten", ErrorCategory.WriteError, full));
        }
        WriteObject(new FileInfo(full));
        base.EndProcessing();
    }
}
