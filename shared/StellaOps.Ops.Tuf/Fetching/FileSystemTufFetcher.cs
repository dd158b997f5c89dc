namespace StellaOps.Ops.Tuf;

/// <summary>
/// Reads a repository from directories (an unpacked offline bundle), so that it is verified exactly as a refresh
/// would verify it: each base URL the updater is given maps to a directory, and the rest of a URL names a file below it
/// by its escaped name as the updater requests it (<c>2.root.json</c>, <c>1.a%2Fb.json</c>). Only the size caps differ from HTTP.
/// </summary>
public sealed class FileSystemTufFetcher : ITufFetcher
{
    private readonly (string Prefix, string Directory)[] _mounts;

    /// <param name="mounts">URL prefix (as given to the updater, e.g. <c>bundle:/metadata/</c>) → directory.</param>
    public FileSystemTufFetcher(params (string UrlPrefix, string Directory)[] mounts) =>
        _mounts = mounts.Select(m => (m.UrlPrefix.EndsWith('/') ? m.UrlPrefix : m.UrlPrefix + "/", Path.GetFullPath(m.Directory))).ToArray();

    public async Task<byte[]?> FetchAsync(string url, long maxLength, CancellationToken cancellationToken)
    {
        foreach (var (prefix, directory) in _mounts)
        {
            if (!url.StartsWith(prefix, StringComparison.Ordinal)) continue;
            var segments = url[prefix.Length..].Split('/');
            if (segments.Any(s => s.Length == 0 || s is "." or "..")) return null;
            var path = Path.Combine([directory, .. segments]);
            var info = new FileInfo(path);
            if (!info.Exists || info.LinkTarget is not null) return null;
            if (info.Length > maxLength) throw TufErrors.LengthExceeded(segments[^1], maxLength, "the limit for it");
            await using var stream = new FileStream(path, FileMode.Open, FileAccess.Read, FileShare.Read, 4096, FileOptions.Asynchronous);
            return await HttpTufFetcher.ReadCappedAsync(stream, maxLength, segments[^1], cancellationToken).ConfigureAwait(false);
        }
        return null;
    }
}
