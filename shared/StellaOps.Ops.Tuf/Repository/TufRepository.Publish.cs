using StellaOps.Ops.Contracts.Unix;

namespace StellaOps.Ops.Tuf.Repository;

public sealed partial class TufRepository
{
    /// <summary>
    /// Checks <c>metadata/</c> as a client would after what <paramref name="publishDirectory"/> serves now
    /// (<see cref="TufRepositoryValidator"/>) and refuses with every reason; then copies it there, each file written
    /// atomically, the new versioned files and targets first, the unversioned names after them and timestamp.json
    /// last, so that a client sees the old release or the new one. Pending metadata is never copied.
    /// </summary>
    public TufPublishResult Publish(string publishDirectory)
    {
        var target = Path.GetFullPath(publishDirectory);
        CheckPublishDirectory(target);
        var publishedMetadata = Path.Combine(target, "metadata");
        var problems = new TufRepositoryValidator(this).Check(publishedMetadata);
        if (problems.Count > 0)
        {
            if (problems.Count == 1) throw problems[0];
            var first = problems[0];
            throw new Contracts.OpsException(first.Code, $"Nothing was published; a client would refuse this repository: {string.Join(" ", problems.Select(p => p.Message))}", first.Target, first.RecommendedAction);
        }
        var result = new TufPublishResult { Directory = target, PendingRootNotPublished = PendingRoot?.Signed.Version };
        void Copy(string from, string to)
        {
            var data = File.ReadAllBytes(from);
            if (File.Exists(to) && File.ReadAllBytes(to).AsSpan().SequenceEqual(data)) return;
            AtomicFile.Write(to, data);
            result.FilesWritten.Add(Path.GetRelativePath(target, to));
        }
        foreach (var file in System.IO.Directory.EnumerateFiles(TargetsDirectory, "*", SearchOption.AllDirectories).Order(StringComparer.Ordinal))
            Copy(file, Path.Combine(target, "targets", Path.GetRelativePath(TargetsDirectory, file)));
        var metadata = System.IO.Directory.EnumerateFiles(MetadataDirectory).Select(Path.GetFileName).OfType<string>().ToList();
        foreach (var name in metadata.Where(n => char.IsAsciiDigit(n[0])).Order(StringComparer.Ordinal))
            Copy(Path.Combine(MetadataDirectory, name), Path.Combine(publishedMetadata, name));
        foreach (var name in metadata.Where(n => !char.IsAsciiDigit(n[0]) && n != "timestamp.json" && !n.StartsWith('.')).Order(StringComparer.Ordinal))
            Copy(Path.Combine(MetadataDirectory, name), Path.Combine(publishedMetadata, name));
        Copy(Path.Combine(MetadataDirectory, "timestamp.json"), Path.Combine(publishedMetadata, "timestamp.json"));
        result.Versions[TufRoleNames.Root] = Root.Signed.Version;
        result.Versions[TufRoleNames.Targets] = Read<TargetsMetadata>(TufRoleNames.Targets)!.Signed.Version;
        result.Versions[TufRoleNames.Snapshot] = Read<SnapshotMetadata>(TufRoleNames.Snapshot)!.Signed.Version;
        result.Versions[TufRoleNames.Timestamp] = Read<TimestampMetadata>(TufRoleNames.Timestamp)!.Signed.Version;
        AppendChangeLog("published", $"to {target}", new() { ["timestamp"] = result.Versions[TufRoleNames.Timestamp], ["root"] = result.Versions[TufRoleNames.Root] });
        return result;
    }

    private static void CheckPublishDirectory(string target)
    {
        if (OperatingSystem.IsWindows()) return;
        var trust = PathTrust.ForThisProcess();
        var parent = Path.GetDirectoryName(target)!;
        var problem = System.IO.Directory.Exists(target) ? trust.CheckDirectory(target) : trust.CheckDirectory(parent);
        if (problem is not null) throw TufRepositoryErrors.PublishFailed(target, $"{problem.Path}: {problem.Reason}; {problem.Fix}");
        System.IO.Directory.CreateDirectory(target);
    }
}
