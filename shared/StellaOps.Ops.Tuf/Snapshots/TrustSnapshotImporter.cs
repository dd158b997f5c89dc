using StellaOps.Ops.Contracts;
using StellaOps.Ops.Contracts.Unix;

namespace StellaOps.Ops.Tuf.Snapshots;

/// <summary>
/// Imports a trust snapshot into a TUF client's metadata directory with no network: the bundle's files are put in
/// a private temporary directory and read through a <see cref="FileSystemTufFetcher"/>, so the client's one updater
/// verifies them exactly as a refresh would, starting from the trusted root the client already has (a bundle never
/// supplies the starting root). A bundle that carries a newer root (a rotation) is refused unless <c>force</c>; the
/// rotation chain is then checked by the updater like any refresh. The named targets are verified and stored.
/// </summary>
public static class TrustSnapshotImporter
{
    private const string MetadataMount = "bundle:/metadata/";
    private const string TargetsMount = "bundle:/targets/";

    public static async Task<TufRefreshResult> ImportAsync(
        IReadOnlyDictionary<string, byte[]> files, string metadataDirectory, string targetDirectory, IReadOnlyList<string> targetNames,
        bool force, PathTrust? pathTrust, TimeProvider clock, CancellationToken cancellationToken)
    {
        ArgumentNullException.ThrowIfNull(files);
        var cache = new TufLocalCache(metadataDirectory, pathTrust);
        var rootBytes = cache.Exists(TufFileNames.Role(TufRoleNames.Root)) ? cache.Read(TufFileNames.Role(TufRoleNames.Root), 512_000) : null;
        if (rootBytes is null)
            throw new OpsException(OpsErrorCode.TrustNotConfigured, $"No trusted TUF root in {metadataDirectory}: a snapshot is verified from the root the client already trusts.",
                metadataDirectory, "Initialise first with the repository's root.json, checked out of band: stella trust init --tuf-url URL --root root.json (Initialize-StellaTrust -Root).");
        var current = TufMetadata<RootMetadata>.FromBytes(rootBytes, TufRoleNames.Root).Signed.Version;
        if (files.ContainsKey("metadata/" + TufFileNames.Role(TufRoleNames.Root, current + 1)) && !force)
            throw new OpsException(OpsErrorCode.TrustRootChangeNeedsForce,
                $"The snapshot carries root version {current + 1} and later (a root rotation); the trusted root is version {current}.", null,
                "Check with the repository's operators that the rotation is expected, then import again with -Force (bootstrap-trust-offline.sh --force); the rotation chain is still verified.");
        var temp = Directory.CreateTempSubdirectory("stellaops-trust-snapshot-");
        try
        {
            foreach (var (path, data) in files)
            {
                var full = Path.Combine(temp.FullName, path);
                Directory.CreateDirectory(Path.GetDirectoryName(full)!);
                await File.WriteAllBytesAsync(full, data, cancellationToken).ConfigureAwait(false);
            }
            var fetcher = new FileSystemTufFetcher((MetadataMount, Path.Combine(temp.FullName, "metadata")), (TargetsMount, Path.Combine(temp.FullName, "targets")));
            using var updater = new TufUpdater(new TufUpdaterOptions
            {
                MetadataDirectory = metadataDirectory,
                MetadataBaseUrl = MetadataMount,
                TargetBaseUrl = TargetsMount,
                TargetDirectory = targetDirectory,
                Fetcher = fetcher,
                Clock = clock,
                PathTrust = pathTrust,
            });
            var result = await updater.RefreshAsync(cancellationToken).ConfigureAwait(false);
            foreach (var name in targetNames)
            {
                if (await updater.TryGetTargetInfoAsync(name, cancellationToken).ConfigureAwait(false) is not { } info) continue;
                if (await updater.FindCachedTargetAsync(info, cancellationToken).ConfigureAwait(false) is null)
                    await updater.DownloadTargetAsync(info, cancellationToken).ConfigureAwait(false);
            }
            return result;
        }
        finally
        {
            temp.Delete(recursive: true);
        }
    }
}
