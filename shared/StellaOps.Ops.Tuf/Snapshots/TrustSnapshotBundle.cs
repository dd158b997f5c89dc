using System.Formats.Tar;
using System.Security.Cryptography;
using System.Text.Json;
using System.Text.Json.Nodes;
using StellaOps.Ops.Contracts;

namespace StellaOps.Ops.Tuf.Snapshots;

/// <summary>
/// The air-gapped trust bundle: a zstd-compressed tar (<c>.tar.zst</c>) of the TUF metadata chain
/// (<c>metadata/N.root.json</c> for each root version, timestamp, snapshot, targets, delegated roles, by the names a
/// repository serves them), the targets (<c>targets/…</c>, plain and hash-prefixed) and <c>manifest.json</c> listing
/// every other file with its length and SHA-256. Reading checks the manifest first (every file listed, no file
/// unlisted, lengths and hashes equal, safe names, size caps); what the files say is then verified by the TUF
/// client exactly as a refresh would (<see cref="TrustSnapshotImporter"/>), so the manifest is only an integrity
/// check, never a source of trust.
/// </summary>
public static class TrustSnapshotBundle
{
    public const string Format = "stellaops-trust-snapshot/v1";
    public const string ManifestName = "manifest.json";
    public const int MaxFiles = 4096;
    public const long MaxFileBytes = 8 * 1024 * 1024;
    public const long MaxTotalBytes = 128 * 1024 * 1024;

    /// <summary>Writes <paramref name="files"/> (bundle path → bytes) and their manifest as a .tar.zst.</summary>
    public static void Write(Stream output, IReadOnlyDictionary<string, byte[]> files, string repository, DateTimeOffset createdAt)
    {
        ArgumentNullException.ThrowIfNull(output);
        ArgumentNullException.ThrowIfNull(files);
        foreach (var name in files.Keys) CheckName(name);
        var manifest = new JsonObject
        {
            ["format"] = Format,
            ["repository"] = repository,
            ["createdAt"] = createdAt.UtcDateTime.ToString("yyyy-MM-ddTHH:mm:ssZ", System.Globalization.CultureInfo.InvariantCulture),
            ["files"] = new JsonArray([.. files.OrderBy(f => f.Key, StringComparer.Ordinal).Select(f => (JsonNode)new JsonObject
            {
                ["path"] = f.Key,
                ["length"] = f.Value.Length,
                ["sha256"] = Convert.ToHexStringLower(SHA256.HashData(f.Value)),
            })]),
        };
        using var zstd = new ZstdSharp.CompressionStream(output, 19, leaveOpen: true);
        using (var tar = new TarWriter(zstd, TarEntryFormat.Pax, leaveOpen: true))
        {
            Add(tar, ManifestName, System.Text.Encoding.UTF8.GetBytes(manifest.ToJsonString(new JsonSerializerOptions { WriteIndented = true })));
            foreach (var (name, data) in files.OrderBy(f => f.Key, StringComparer.Ordinal)) Add(tar, name, data);
        }
        zstd.Flush();
    }

    /// <summary>Reads a bundle and checks it against its manifest; answers every file, the manifest too, by bundle path (<see cref="Check"/> strips it).</summary>
    public static Dictionary<string, byte[]> Read(Stream input)
    {
        ArgumentNullException.ThrowIfNull(input);
        var files = new Dictionary<string, byte[]>(StringComparer.Ordinal);
        long total = 0;
        try
        {
            using var zstd = new ZstdSharp.DecompressionStream(input, leaveOpen: true);
            using var tar = new TarReader(zstd);
            while (tar.GetNextEntry() is { } entry)
            {
                if (entry.EntryType is TarEntryType.Directory) continue;
                if (entry.EntryType is not (TarEntryType.RegularFile or TarEntryType.V7RegularFile))
                    throw Invalid($"'{entry.Name}' is a {entry.EntryType}, not a regular file.");
                CheckName(entry.Name);
                if (files.Count >= MaxFiles) throw Invalid($"it holds more than {MaxFiles} files.");
                if (entry.Length > MaxFileBytes) throw Invalid($"'{entry.Name}' is {entry.Length} bytes; at most {MaxFileBytes} are read.");
                total += entry.Length;
                if (total > MaxTotalBytes) throw Invalid($"it is larger than {MaxTotalBytes} bytes unpacked.");
                var data = new byte[entry.Length];
                entry.DataStream?.ReadExactly(data);
                if (!files.TryAdd(entry.Name, data)) throw Invalid($"'{entry.Name}' appears twice.");
            }
        }
        catch (Exception e) when (e is InvalidDataException or EndOfStreamException or FormatException or ZstdSharp.ZstdException or IOException and not FileNotFoundException)
        {
            throw Invalid($"it is not a zstd-compressed tar ({e.Message.TrimEnd('.')}).");
        }
        Check(files);
        return files;
    }

    /// <summary>Checks a bundle's files (with <c>manifest.json</c>) against the manifest; answers the files without it.</summary>
    public static Dictionary<string, byte[]> Check(IReadOnlyDictionary<string, byte[]> files)
    {
        if (!files.TryGetValue(ManifestName, out var manifestBytes)) throw Invalid($"it has no {ManifestName}.");
        JsonNode? manifest;
        try
        {
            manifest = JsonNode.Parse(manifestBytes);
        }
        catch (JsonException e)
        {
            throw Invalid($"{ManifestName} is not JSON ({e.Message}).");
        }
        if (manifest?["format"]?.GetValue<string>() != Format) throw Invalid($"{ManifestName} is not a {Format} manifest.");
        var listed = new Dictionary<string, (long Length, string Sha256)>(StringComparer.Ordinal);
        foreach (var item in manifest["files"]?.AsArray() ?? [])
        {
            var path = item?["path"]?.GetValue<string>() ?? throw Invalid($"{ManifestName} lists a file with no path.");
            CheckName(path);
            if (!listed.TryAdd(path, (item["length"]?.GetValue<long>() ?? -1, item["sha256"]?.GetValue<string>() ?? "")))
                throw Invalid($"{ManifestName} lists '{path}' twice.");
        }
        var result = new Dictionary<string, byte[]>(StringComparer.Ordinal);
        foreach (var (name, data) in files)
        {
            if (name == ManifestName) continue;
            if (!listed.Remove(name, out var expected)) throw Invalid($"'{name}' is not listed in {ManifestName}.");
            if (data.Length != expected.Length || Convert.ToHexStringLower(SHA256.HashData(data)) != expected.Sha256)
                throw Invalid($"'{name}' does not match its length and SHA-256 in {ManifestName}: the bundle was changed after it was written.");
            result[name] = data;
        }
        if (listed.Count > 0) throw Invalid($"{ManifestName} lists {string.Join(", ", listed.Keys.Take(5))}, which the bundle does not hold.");
        return result;
    }

    /// <summary>The repository URL the manifest names (informational only).</summary>
    public static string? RepositoryOf(IReadOnlyDictionary<string, byte[]> filesWithManifest)
        => filesWithManifest.TryGetValue(ManifestName, out var m) ? JsonNode.Parse(m)?["repository"]?.GetValue<string>() : null;

    private static void Add(TarWriter tar, string name, byte[] data)
    {
        var entry = new PaxTarEntry(TarEntryType.RegularFile, name)
        {
            DataStream = new MemoryStream(data, writable: false),
            Mode = UnixFileMode.UserRead | UnixFileMode.UserWrite | UnixFileMode.GroupRead | UnixFileMode.OtherRead,
            ModificationTime = DateTimeOffset.UnixEpoch,
        };
        tar.WriteEntry(entry);
    }

    /// <summary>Only <c>manifest.json</c>, <c>metadata/NAME</c> and <c>targets/NAME</c> with one escaped name: nothing can leave the directory it is unpacked to.</summary>
    private static void CheckName(string name)
    {
        if (name == ManifestName) return;
        var slash = name.IndexOf('/');
        var folder = slash < 0 ? "" : name[..slash];
        var file = slash < 0 ? "" : name[(slash + 1)..];
        if (folder is not ("metadata" or "targets") || file.Length == 0 || file.Length > 255 || file is "." or ".."
            || file.Any(c => c is '/' or '\\' or '\0' || char.IsControl(c)))
            throw Invalid($"'{name}' is not a bundle path (manifest.json, metadata/NAME or targets/NAME).");
    }

    private static OpsException Invalid(string why) =>
        new(OpsErrorCode.TrustSnapshotInvalid, $"The trust snapshot is refused: {why}", null,
            "Export the snapshot again from a synchronised daemon (stella trust snapshot export --out FILE) and copy it unchanged.");
}
