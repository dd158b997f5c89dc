using System.Security.Cryptography;
using System.Text.Json.Nodes;

namespace StellaOps.Ops.Tuf.Repository;

/// <summary>
/// A TUF repository on the admin machine, worked on with no daemon (python-tuf's repository module is the model:
/// the tooling edits the metadata model, signs what changed and never writes what a client would refuse).
/// Layout: <c>metadata/</c> the signed files ready to publish (<c>N.root.json</c> chain, <c>N.targets.json</c>,
/// <c>N.snapshot.json</c>, <c>timestamp.json</c>); <c>targets/</c> the target files as clients fetch them
/// (<c>{sha256}.{name}</c>); <c>content/</c> the targets' sources, which the scripts edit; <c>pending/</c> a root
/// that does not have its signatures yet (never published); <c>keys/</c> the encrypted key files;
/// <c>ceremonies/</c> the ceremony records; <c>changelog.jsonl</c> what was changed, when and why.
/// </summary>
public sealed partial class TufRepository
{
    private TufRepository(string directory, TufRepositoryConfig config, TimeProvider clock)
    {
        Directory = directory;
        Config = config;
        Clock = clock;
    }

    public string Directory { get; }

    public TufRepositoryConfig Config { get; }

    public TimeProvider Clock { get; }

    public string MetadataDirectory => Path.Combine(Directory, "metadata");

    public string TargetsDirectory => Path.Combine(Directory, "targets");

    public string ContentDirectory => Path.Combine(Directory, "content");

    public string PendingDirectory => Path.Combine(Directory, "pending");

    public string PendingRootPath => Path.Combine(PendingDirectory, "root.json");

    public string ChangeLogPath => Path.Combine(Directory, "changelog.jsonl");

    public string CeremonyDirectory => Path.Combine(Directory, "ceremonies");

    public static TufRepository Open(string directory, TimeProvider? clock = null)
    {
        var full = Path.GetFullPath(directory);
        var repo = new TufRepository(full, TufRepositoryConfig.Read(full), clock ?? TimeProvider.System);
        if (!File.Exists(Path.Combine(repo.MetadataDirectory, "root.json"))) throw TufRepositoryErrors.NotARepository(full, "metadata/root.json is missing");
        return repo;
    }

    public DateTimeOffset Now => Clock.GetUtcNow();

    /// <summary>The signed root clients trust now (the newest in <c>metadata/</c>).</summary>
    public TufMetadata<RootMetadata> Root => Read<RootMetadata>(TufRoleNames.Root)!;

    public TufMetadata<RootMetadata>? PendingRoot =>
        File.Exists(PendingRootPath) ? TufMetadata<RootMetadata>.FromBytes(File.ReadAllBytes(PendingRootPath)) : null;

    /// <summary>The signed file of a role in <c>metadata/</c> (null when there is none yet).</summary>
    public TufMetadata<T>? Read<T>(string role, string? directory = null) where T : TufSigned, new()
    {
        var path = Path.Combine(directory ?? MetadataDirectory, TufFileNames.Role(role));
        return File.Exists(path) ? TufMetadata<T>.FromBytes(File.ReadAllBytes(path), role) : null;
    }

    /// <summary>The target sources: every file in <c>content/</c> (subdirectories give target paths with '/').</summary>
    public IReadOnlyDictionary<string, byte[]> ReadContent()
    {
        var result = new SortedDictionary<string, byte[]>(StringComparer.Ordinal);
        if (!System.IO.Directory.Exists(ContentDirectory)) return result;
        foreach (var file in System.IO.Directory.EnumerateFiles(ContentDirectory, "*", SearchOption.AllDirectories))
            result[Path.GetRelativePath(ContentDirectory, file).Replace('\\', '/')] = File.ReadAllBytes(file);
        return result;
    }

    public byte[]? ReadContent(string name)
    {
        var path = ContentPath(name);
        return File.Exists(path) ? File.ReadAllBytes(path) : null;
    }

    /// <summary>Replaces a target's source; the next <see cref="SignAsync"/> lists it in a new targets version.</summary>
    public void WriteContent(string name, ReadOnlySpan<byte> data) => AtomicFile.Write(ContentPath(name), data);

    private string ContentPath(string name)
    {
        if (name.Split('/').Any(s => s is "" or "." or "..")) throw new ArgumentException($"'{name}' is not a target name.", nameof(name));
        return Path.Combine([ContentDirectory, .. name.Split('/')]);
    }

    /// <summary>Appends what was done and why to the change log (one JSON object a line).</summary>
    public void AppendChangeLog(string action, string? note, JsonObject? details = null)
    {
        var entry = new JsonObject { ["time"] = JsonFields.FormatTime(Now), ["action"] = action, ["note"] = note, ["user"] = Environment.UserName };
        if (details is not null) entry["details"] = details;
        File.AppendAllText(ChangeLogPath, entry.ToJsonString() + "\n");
    }

    public IReadOnlyList<JsonObject> ReadChangeLog() => File.Exists(ChangeLogPath)
        ? [.. File.ReadAllLines(ChangeLogPath).Where(l => l.Length > 0).Select(l => JsonNode.Parse(l)!.AsObject())]
        : [];

    /// <summary>Who holds <paramref name="keyId"/>: the root holder's name, or the online role it signs.</summary>
    public string HolderOf(string keyId)
    {
        if (Config.RootHolders.FirstOrDefault(h => h.KeyId == keyId) is { } holder) return holder.Name;
        var root = Root.Signed;
        var role = Config.OnlineKeyFiles.Keys.FirstOrDefault(r => root.Roles.TryGetValue(r, out var k) && k.KeyIds.Contains(keyId));
        return role is not null ? role + " key" : keyId[..Math.Min(12, keyId.Length)];
    }

    /// <summary>Loads an online role's key (timestamp, snapshot, targets) with the online password.</summary>
    public SoftwareTufSigner LoadOnlineKey(string role, ReadOnlySpan<char> password)
    {
        if (!Config.OnlineKeyFiles.TryGetValue(role, out var file)) throw TufRepositoryErrors.KeyUnavailable(role, "the repository has no online key file for it");
        return TufKeyFile.Load(Path.Combine(Directory, file), password);
    }

    /// <summary>Loads a root holder's key file (or null when the holder's key is on a token or elsewhere).</summary>
    public SoftwareTufSigner? LoadRootKey(RootKeyHolder holder, ReadOnlySpan<char> password) =>
        holder.KeyFile is { } f && File.Exists(Path.Combine(Directory, f)) ? TufKeyFile.Load(Path.Combine(Directory, f), password) : null;

    public static string Sha256(ReadOnlySpan<byte> data) => Convert.ToHexStringLower(SHA256.HashData(data));

    internal void WriteMetadata(string role, long version, byte[] bytes)
    {
        if (role != TufRoleNames.Timestamp) AtomicFile.Write(Path.Combine(MetadataDirectory, TufFileNames.Role(role, version)), bytes);
        AtomicFile.Write(Path.Combine(MetadataDirectory, TufFileNames.Role(role)), bytes);
    }
}
