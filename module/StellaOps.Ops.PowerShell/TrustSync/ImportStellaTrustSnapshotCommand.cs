using System.Management.Automation;
using StellaOps.Ops.Attestation.Sigstore;
using StellaOps.Ops.Contracts;
using StellaOps.Ops.Contracts.Rpc;
using StellaOps.Ops.Contracts.Unix;
using StellaOps.Ops.Tuf;
using StellaOps.Ops.Tuf.Snapshots;

namespace StellaOps.Ops.PowerShell.TrustSync;

/// <summary>
/// Import-StellaTrustSnapshot (what bootstrap-trust-offline.sh calls): verifies a .tar.zst trust snapshot exactly as
/// a refresh would, from the trusted root the client already has, and applies it. A snapshot that rotates the root
/// needs -Force (the rotation chain is still verified). With -MetadataDirectory it imports with no daemon, into that
/// TUF metadata directory (targets beside it in -TargetDirectory, default <c>../targets</c>), and says what changed in
/// the trust material (logs, authorities, endpoints and their windows) as a daemon's import does.
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

    private static readonly string[] TrustTargets = ["trusted_root.json", "signing_config.v0.2.json"];

    protected override void ProcessRecord()
    {
        var full = ResolveFile(Path, nameof(Path), mustExist: true);
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
            var metadata = ResolveFile(MetadataDirectory, nameof(MetadataDirectory), mustExist: false);
            var targets = TargetDirectory is null ? System.IO.Path.Combine(System.IO.Path.GetDirectoryName(metadata.TrimEnd('/'))!, "targets") : ResolveFile(TargetDirectory, nameof(TargetDirectory), mustExist: false);
            if (!ShouldProcess(metadata, $"Import the trust snapshot {full}" + (Force ? ", allowing a root rotation" : ""))) return;
            try
            {
                var trust = OperatingSystem.IsWindows() ? null : PathTrust.ForThisProcess();
                var checkedFiles = TrustSnapshotBundle.Check(files);
                var before = Await(CachedTrustAsync(metadata, targets, trust));
                var result = Await(TrustSnapshotImporter.ImportAsync(checkedFiles, metadata, targets, TrustTargets, Force, trust, TimeProvider.System, StopToken));
                var after = Await(CachedTrustAsync(metadata, targets, trust));
                WriteResult(new TrustSyncResult
                {
                    RepositoryUrl = metadata,
                    Roles = [.. result.Roles.Select(r => new TrustRoleVersion { Role = r.Role, Before = r.VersionBefore, After = r.VersionAfter })],
                    MaterialChanges = TrustMaterialChanges.Between(before, after),
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
    /// <summary>
    /// The Sigstore trust a TUF client directory holds: the trust targets its cached metadata vouches for (verified
    /// again, hashes checked), parsed. None (<see cref="SigstoreTrust.NotConfigured"/>) for a client with only its root,
    /// or whose cache does not verify: then everything the import brings is "added".
    /// </summary>
    private static async Task<SigstoreTrust> CachedTrustAsync(string metadata, string targets, PathTrust? trust)
    {
        try
        {
            // No network: a fetcher with nothing mounted, as the daemon reads its own cache.
            using var updater = new TufUpdater(new TufUpdaterOptions
            {
                MetadataDirectory = metadata,
                MetadataBaseUrl = "offline:/metadata/",
                TargetDirectory = targets,
                Fetcher = new FileSystemTufFetcher(),
                PathTrust = trust,
            });
            if (updater.LoadFromCache(ignoreExpiry: true).Targets is null) return SigstoreTrust.NotConfigured;
            async Task<byte[]?> Cached(string name)
                => await updater.TryGetTargetInfoAsync(name).ConfigureAwait(false) is { } info
                   && await updater.FindCachedTargetAsync(info).ConfigureAwait(false) is { } path
                    ? await File.ReadAllBytesAsync(path).ConfigureAwait(false) : null;
            var root = await Cached(TrustTargets[0]).ConfigureAwait(false);
            var config = await Cached(TrustTargets[1]).ConfigureAwait(false);
            return new SigstoreTrust(root is null ? null : SigstoreTrustedRootParser.Parse(root), config is null ? null : SigstoreSigningConfigParser.Parse(config), $"TUF cache {metadata}", null);
        }
        catch (Exception e) when (e is OpsException or FormatException or IOException)
        {
            return SigstoreTrust.NotConfigured;
        }
    }
}
