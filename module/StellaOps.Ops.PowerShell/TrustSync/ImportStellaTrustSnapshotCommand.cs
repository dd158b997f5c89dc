using System.Management.Automation;
using StellaOps.Ops.Contracts;
using StellaOps.Ops.Contracts.Rpc;
using StellaOps.Ops.Tuf.Snapshots;

namespace StellaOps.Ops.PowerShell.TrustSync;

/// <summary>
/// Import-StellaTrustSnapshot (what bootstrap-trust-offline.sh calls): verifies a .tar.zst trust snapshot exactly as
/// a refresh would, from the trusted root the client already has, and applies it. A snapshot that rotates the root
/// needs -Force (the rotation chain is still verified). With -MetadataDirectory it imports with no daemon, into that
/// TUF metadata directory (targets beside it in -TargetDirectory, default <c>../targets</c>).
/// </summary>
[Cmdlet(VerbsData.Import, "StellaTrustSnapshot", SupportsShouldProcess = true, ConfirmImpact = ConfirmImpact.Medium, DefaultParameterSetName = DaemonSet)]
[OutputType(typeof(TrustSyncResult))]
public sealed class ImportStellaTrustSnapshotCommand : TrustSyncCmdlet
{
    private const string DaemonSet = "Daemon";
    private const string OfflineSet = "Offline";

    [Parameter(Mandatory = true, Position = 0, ValueFromPipeline = true, ValueFromPipelineByPropertyName = true)]
    [Alias("FullName")]
    [ValidateNotNullOrEmpty]
    public string Path { get; set; } = "";

    /// <summary>Allow a root rotation carried by the snapshot.</summary>
    [Parameter]
    public SwitchParameter Force { get; set; }

    /// <summary>Import with no daemon into this TUF metadata directory (it must hold a trusted root.json).</summary>
    [Parameter(Mandatory = true, ParameterSetName = OfflineSet)]
    [ValidateNotNullOrEmpty]
    public string MetadataDirectory { get; set; } = "";

    [Parameter(ParameterSetName = OfflineSet)]
    public string? TargetDirectory { get; set; }

    protected override void ProcessRecord()
    {
        var full = FileSystemPath(Path, nameof(Path), mustExist: true);
        Dictionary<string, byte[]> files;
        try
        {
            using var stream = File.OpenRead(full);
            files = TrustSnapshotBundle.Read(stream);
        }
        catch (OpsException ex)
        {
            WriteOpsError(ex, full);
            return;
        }
        catch (Exception ex) when (ex is IOException or UnauthorizedAccessException)
        {
            WriteError(new ErrorRecord(ex, "SnapshotUnreadable", ErrorCategory.ReadError, full));
            return;
        }
        if (ParameterSetName == OfflineSet)
        {
            var metadata = FileSystemPath(MetadataDirectory, nameof(MetadataDirectory), mustExist: false);
            var targets = TargetDirectory is null ? System.IO.Path.Combine(System.IO.Path.GetDirectoryName(metadata.TrimEnd('/'))!, "targets") : FileSystemPath(TargetDirectory, nameof(TargetDirectory), mustExist: false);
            if (!ShouldProcess(metadata, $"Import the trust snapshot {full}" + (Force ? ", allowing a root rotation" : ""))) return;
            try
            {
                var trust = OperatingSystem.IsWindows() ? null : Contracts.Unix.PathTrust.ForThisProcess();
                var result = TrustSnapshotImporter.ImportAsync(TrustSnapshotBundle.Check(files), metadata, targets, ["trusted_root.json", "signing_config.v0.2.json"], Force, trust, TimeProvider.System, StopToken)
                    .GetAwaiter().GetResult();
                WriteResult(new TrustSyncResult
                {
                    RepositoryUrl = metadata,
                    Roles = [.. result.Roles.Select(r => new TrustRoleVersion { Role = r.Role, Before = r.VersionBefore, After = r.VersionAfter })],
                    CompletedAt = result.RefreshedAt,
                });
            }
            catch (OpsException ex)
            {
                WriteOpsError(ex, full);
            }
            return;
        }
        if (!ShouldProcess(full, "Import the trust snapshot into the daemon" + (Force ? ", allowing a root rotation" : ""))) return;
        var snapshot = new TrustSnapshotFiles { Files = files };
        var imported = InvokeForItem((c, _, ct) => c.TrustSync.ImportSnapshotAsync(snapshot, Force, ct), full);
        if (imported is not null) WriteResult(imported);
    }
}
