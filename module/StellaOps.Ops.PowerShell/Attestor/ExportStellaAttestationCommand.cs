using System.Management.Automation;
using System.Text;
using StellaOps.Ops.Contracts;
using StellaOps.Ops.Contracts.Rpc;

namespace StellaOps.Ops.PowerShell.Attestor;

/// <summary>
/// Export-StellaAttestation: writes an attestation as a DSSE envelope or a Sigstore bundle v0.3 file. The daemon
/// renders it; this cmdlet writes the file (atomically), and never overwrites one without -Force.
/// </summary>
[Cmdlet(VerbsData.Export, "StellaAttestation", SupportsShouldProcess = true, ConfirmImpact = ConfirmImpact.Low)]
[OutputType(typeof(FileInfo))]
public sealed class ExportStellaAttestationCommand : StellaAttestationCmdlet
{
    [Parameter(Mandatory = true, Position = 0, ValueFromPipeline = true, ValueFromPipelineByPropertyName = true)]
    [Alias("AttestationId")]
    [ValidateNotNullOrEmpty]
    [ArgumentCompleter(typeof(AttestationIdCompleter))]
    public string[] Id { get; set; } = [];

    /// <summary>The file to write, or an existing folder (the file is then named after the attestation).</summary>
    [Parameter(Mandatory = true, Position = 1)]
    [ValidateNotNullOrEmpty]
    public string Path { get; set; } = "";

    [Parameter]
    public AttestationExportFormat Format { get; set; } = AttestationExportFormat.Dsse;

    /// <summary>Overwrite an existing file. It does not skip -WhatIf or -Confirm.</summary>
    [Parameter]
    public SwitchParameter Force { get; set; }

    protected override void ProcessRecord()
    {
        var target = FileSystemPath(Path);
        if (target is null)
        {
            WriteOpsError(OpsException.InvalidArgument($"-Path '{Path}' is not a file system path.", Path, "Give a file or folder path, e.g. ./attestation.dsse.json."), Path);
            return;
        }
        foreach (var id in Id)
        {
            var export = InvokeForItem((c, _, ct) => c.Attest.ExportAsync(id, Format, ct), id);
            if (export is null) continue;
            var file = Directory.Exists(target) ? System.IO.Path.Combine(target, export.SuggestedFileName) : target;
            if (File.Exists(file) && !Force)
            {
                WriteOpsError(new OpsException(OpsErrorCode.Conflict, $"'{file}' already exists; attestation {export.Id} was not exported.", file,
                    "Use -Force to overwrite it, or give another -Path."), file);
                continue;
            }
            if (!ShouldProcess(file, $"Write attestation {export.Id} as {export.Format} ({export.MediaType})")) continue;
            try
            {
                WriteAtomically(file, export.Content);
            }
            catch (Exception ex) when (ex is IOException or UnauthorizedAccessException)
            {
                WriteOpsError(new OpsException(OpsErrorCode.InvalidArgument, $"Could not write '{file}': {ex.Message}", file,
                    "Check that the folder exists and is writable, then run the command again."), file);
                continue;
            }
            WriteObject(new FileInfo(file));
        }
    }

    /// <summary>Write beside the target, then rename: a reader never sees half an envelope.</summary>
    private static void WriteAtomically(string file, string content)
    {
        var temp = file + ".tmp-" + Guid.NewGuid().ToString("n")[..8];
        try
        {
            File.WriteAllText(temp, content, new UTF8Encoding(encoderShouldEmitUTF8Identifier: false));
            File.Move(temp, file, overwrite: true);
        }
        finally
        {
            if (File.Exists(temp)) File.Delete(temp);
        }
    }
}
