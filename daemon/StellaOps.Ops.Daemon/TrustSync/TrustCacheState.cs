using System.Security.Cryptography;
using System.Text.Json;
using StellaOps.Ops.Tuf;

namespace StellaOps.Ops.Daemon.TrustSync;

/// <summary>
/// What the trust cache on disk holds, as the audit intent of a trust change records it before the change: every file
/// under <c>tuf/</c> (its name below it → SHA-256), the top-level roles' versions and the repository URL. Read again
/// after the change (or at start, after a crash), it tells whether the change happened and what it changed. A
/// fingerprint for the audit, never trust: files are not verified, links are not followed, temporary files are left out.
/// </summary>
public sealed record TrustCacheState
{
    private const string LastRefreshFile = "metadata/" + TufUpdater.LastRefreshFileName;

    public Dictionary<string, string> Files { get; init; } = new(StringComparer.Ordinal);
    public Dictionary<string, long> Versions { get; init; } = new(StringComparer.Ordinal);
    public string? Repository { get; init; }

    public static TrustCacheState Read(TrustSyncPaths paths)
    {
        var files = new Dictionary<string, string>(StringComparer.Ordinal);
        var versions = new Dictionary<string, long>(StringComparer.Ordinal);
        if (Directory.Exists(paths.Directory))
        {
            var walk = new EnumerationOptions { RecurseSubdirectories = true, AttributesToSkip = FileAttributes.ReparsePoint, IgnoreInaccessible = true };
            foreach (var file in Directory.EnumerateFiles(paths.Directory, "*", walk))
            {
                if (Path.GetFileName(file).StartsWith('.')) continue;
                var name = Path.GetRelativePath(paths.Directory, file).Replace('\\', '/');
                try
                {
                    using var stream = new FileStream(file, FileMode.Open, FileAccess.Read, FileShare.ReadWrite);
                    files[name] = Convert.ToHexStringLower(SHA256.HashData(stream));
                }
                catch (Exception e) when (e is IOException or UnauthorizedAccessException)
                {
                    files[name] = "unreadable";
                }
            }
            foreach (var role in TufRoleNames.TopLevel)
            {
                var path = Path.Combine(paths.Metadata, TufFileNames.Role(role));
                if (ReadVersion(path) is { } v) versions[role] = v;
            }
        }
        string? repository = null;
        try
        {
            repository = paths.ReadRepository()?.TufUrl;
        }
        catch (Exception e) when (e is IOException or UnauthorizedAccessException or JsonException or Contracts.OpsException or KeyNotFoundException or InvalidOperationException)
        {
            // Unreadable or untrusted: its hash above still tells a change.
        }
        return new TrustCacheState { Files = files, Versions = versions, Repository = repository };
    }

    /// <summary>The version in a role's metadata bytes (not verified), or null when it has none readable.</summary>
    public static long? VersionOf(ReadOnlySpan<byte> metadata)
    {
        try
        {
            using var doc = JsonDocument.Parse(metadata.ToArray());
            return doc.RootElement.TryGetProperty("signed", out var signed) && signed.TryGetProperty("version", out var v) && v.TryGetInt64(out var n) ? n : null;
        }
        catch (JsonException)
        {
            return null;
        }
    }

    /// <summary>The top-level versions that <paramref name="files"/> (a snapshot bundle's, <c>metadata/…</c>) hold: "root v2, timestamp v5, …".</summary>
    public static string DescribeVersions(IReadOnlyDictionary<string, byte[]> files)
    {
        long? Highest(string role) => files.Where(f => f.Key == "metadata/" + TufFileNames.Role(role) || (f.Key.StartsWith("metadata/", StringComparison.Ordinal)
                && f.Key.EndsWith("." + TufFileNames.Role(role), StringComparison.Ordinal))).Select(f => VersionOf(f.Value)).Max();
        var parts = TufRoleNames.TopLevel.Select(r => Highest(r) is { } v ? $"{r} v{v}" : null).OfType<string>().ToList();
        return parts.Count == 0 ? "no top-level metadata" : string.Join(", ", parts);
    }

    /// <summary>"root v1, timestamp v2, snapshot v2, targets v1 of URL", or that the cache holds nothing yet.</summary>
    public string Describe()
    {
        if (Files.Count == 0) return "the cache holds nothing yet";
        var versions = TufRoleNames.TopLevel.Where(Versions.ContainsKey).Select(r => $"{r} v{Versions[r]}").ToList();
        return (versions.Count == 0 ? "no metadata" : string.Join(", ", versions)) + (Repository is null ? "" : " of " + Repository);
    }

    /// <summary>True when every file is as it was: the change did not happen at all.</summary>
    public bool SameAs(TrustCacheState other)
        => Files.Count == other.Files.Count && Files.All(f => other.Files.TryGetValue(f.Key, out var h) && h == f.Value);

    /// <summary>
    /// What changed from this state to <paramref name="after"/>: role versions, the repository, other files added,
    /// changed or removed. Changed is false when nothing did, or only the time of the last good refresh moved.
    /// </summary>
    public (bool Changed, string What) ChangesTo(TrustCacheState after)
    {
        var changes = new List<string>();
        var reported = new HashSet<string>(StringComparer.Ordinal) { LastRefreshFile };
        foreach (var role in TufRoleNames.TopLevel)
        {
            var before = Versions.TryGetValue(role, out var b) ? b : (long?)null;
            var now = after.Versions.TryGetValue(role, out var a) ? a : (long?)null;
            if (before == now) continue;
            changes.Add($"{role} {(before is null ? "none" : "v" + before)} → {(now is null ? "none" : "v" + now)}");
            reported.Add("metadata/" + TufFileNames.Role(role));
        }
        if (Repository != after.Repository)
        {
            changes.Add($"repository {Repository ?? "none"} → {after.Repository ?? "none"}");
            reported.Add(TrustSyncPaths.RepositoryFileName);
        }
        foreach (var name in Files.Keys.Union(after.Files.Keys).Where(n => !reported.Contains(n)).Order(StringComparer.Ordinal))
        {
            var had = Files.TryGetValue(name, out var h0);
            var has = after.Files.TryGetValue(name, out var h1);
            if (had && has && h0 == h1) continue;
            changes.Add($"{name} {(had ? has ? "changed" : "removed" : "added")}");
        }
        if (changes.Count > 0) return (true, string.Join(", ", changes));
        var refreshed = Files.GetValueOrDefault(LastRefreshFile) != after.Files.GetValueOrDefault(LastRefreshFile);
        return (false, refreshed ? "only the time of the last good refresh moved" : "");
    }

    public string ToJson() => JsonSerializer.Serialize(this);

    /// <summary>The state an intent recorded, or null when its text is not one (then whether the change happened is unknown).</summary>
    public static TrustCacheState? FromJson(string json)
    {
        try
        {
            return JsonSerializer.Deserialize<TrustCacheState>(json);
        }
        catch (JsonException)
        {
            return null;
        }
    }

    private static long? ReadVersion(string path)
    {
        try
        {
            var info = new FileInfo(path);
            if (!info.Exists || info.LinkTarget is not null || info.Length > 5_000_000) return null;
            return VersionOf(File.ReadAllBytes(path));
        }
        catch (Exception e) when (e is IOException or UnauthorizedAccessException)
        {
            return null;
        }
    }
}
