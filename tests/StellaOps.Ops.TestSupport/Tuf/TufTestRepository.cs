using System.Security.Cryptography;
using System.Text.Json.Nodes;
using StellaOps.Ops.Tuf;

namespace StellaOps.Ops.TestSupport.Tuf;

/// <summary>
/// A signed TUF repository on disk, written with the project's metadata model, for tests to serve (a
/// <see cref="LoopbackFileServer"/> over <see cref="Directory"/>) or to read through a file-system fetcher.
/// Change the models (<see cref="Root"/>, <see cref="Targets"/>, <see cref="Delegated"/>, …) and call
/// <see cref="PublishAsync"/>: every role whose content changed gets the next version, is signed by its
/// <see cref="Signers"/> and written as <c>metadata/{version}.{role}.json</c> and <c>metadata/{role}.json</c>;
/// snapshot and timestamp follow. A root change is published as the next <c>N.root.json</c>, signed by the keys of
/// the previous root and the new one. Attack tests write their own bytes with <see cref="SignAsync"/> and <see cref="WriteMetadata"/>.
/// </summary>
public sealed class TufTestRepository
{
    private readonly Dictionary<string, (long Version, string Content)> _published = new(StringComparer.Ordinal);
    private List<ITufSigner> _previousRootSigners = [];

    public TufTestRepository(string directory, DateTimeOffset? now = null, bool consistentSnapshot = true)
    {
        Directory = Path.GetFullPath(directory);
        System.IO.Directory.CreateDirectory(MetadataDirectory);
        System.IO.Directory.CreateDirectory(TargetsDirectory);
        var expires = (now ?? DateTimeOffset.UtcNow).AddDays(365);
        expires = new DateTimeOffset(expires.Year, expires.Month, expires.Day, expires.Hour, expires.Minute, expires.Second, TimeSpan.Zero);
        Root = new RootMetadata { Expires = expires, ConsistentSnapshot = consistentSnapshot };
        Timestamp = new TimestampMetadata { Expires = expires };
        Snapshot = new SnapshotMetadata { Expires = expires };
        Targets = new TargetsMetadata { Expires = expires };
        foreach (var role in TufRoleNames.TopLevel) AddKey(role);
    }

    public string Directory { get; }

    public string MetadataDirectory => Path.Combine(Directory, "metadata");

    public string TargetsDirectory => Path.Combine(Directory, "targets");

    public RootMetadata Root { get; }

    public TimestampMetadata Timestamp { get; }

    public SnapshotMetadata Snapshot { get; }

    public TargetsMetadata Targets { get; }

    /// <summary>Delegated targets roles by name.</summary>
    public Dictionary<string, TargetsMetadata> Delegated { get; } = new(StringComparer.Ordinal);

    /// <summary>Who signs each role (hash bins share one list).</summary>
    public Dictionary<string, List<ITufSigner>> Signers { get; } = new(StringComparer.Ordinal);

    /// <summary>List length and hashes of targets files in snapshot, and of snapshot in timestamp.</summary>
    public bool ListMetaHashes { get; set; } = true;

    /// <summary>The bytes of <c>1.root.json</c>, what a client is initialised with.</summary>
    public byte[] InitialRoot => File.ReadAllBytes(Path.Combine(MetadataDirectory, "1.root.json"));

    public TargetsMetadata Role(string name) => name == TufRoleNames.Targets ? Targets : Delegated[name];

    /// <summary>A new ed25519 key (or <paramref name="signer"/>) for <paramref name="role"/>, listed by root (top-level) or by <paramref name="delegator"/>.</summary>
    public ITufSigner AddKey(string role, string? delegator = null, ITufSigner? signer = null)
    {
        signer ??= SoftwareTufSigner.GenerateEd25519();
        if (TufRoleNames.TopLevel.Contains(role) && delegator is null or TufRoleNames.Root)
        {
            Root.AddKey(signer.PublicKey, role);
        }
        else
        {
            var d = Role(delegator ?? TufRoleNames.Targets).Delegations ?? throw new InvalidOperationException($"{delegator} delegates nothing");
            d.Keys[signer.KeyId] = signer.PublicKey;
            var keys = d.FindRole(role) ?? throw new InvalidOperationException($"{delegator} does not delegate to {role}");
            if (!keys.KeyIds.Contains(signer.KeyId)) keys.KeyIds.Add(signer.KeyId);
        }
        if (!Signers.TryGetValue(role, out var list)) Signers[role] = list = [];
        list.Add(signer);
        return signer;
    }

    /// <summary>Adds <paramref name="data"/> as target <paramref name="path"/> of <paramref name="role"/> and writes the target file(s).</summary>
    public TargetFile AddTarget(string path, byte[] data, string role = TufRoleNames.Targets)
    {
        var file = TargetFile.Describing(path, data);
        Role(role).Targets[path] = file;
        WriteTarget(file, data);
        return file;
    }

    /// <summary>Writes the bytes a target URL serves (both the hash-prefixed and the plain name), e.g. to substitute a target.</summary>
    public void WriteTarget(TargetFile file, byte[] data)
    {
        foreach (var prefix in file.Hashes.Values.Append(null).Distinct())
        {
            var relative = TufFileNames.RemoteTarget(file.Path, prefix);
            var full = Path.Combine([TargetsDirectory, .. relative.Split('/')]);
            System.IO.Directory.CreateDirectory(Path.GetDirectoryName(full)!);
            File.WriteAllBytes(full, data);
        }
    }

    /// <summary>Delegates from <paramref name="delegator"/> to a new role (with one new key) for <paramref name="paths"/>.</summary>
    public DelegatedRole AddDelegation(string delegator, string name, IEnumerable<string>? paths, bool terminating = false, IEnumerable<string>? hashPrefixes = null)
    {
        var parent = Role(delegator);
        parent.Delegations ??= new Delegations { Roles = [] };
        var role = new DelegatedRole { Name = name, Terminating = terminating, Paths = paths?.ToList(), PathHashPrefixes = hashPrefixes?.ToList() };
        parent.Delegations.Roles!.Add(role);
        Delegated[name] = new TargetsMetadata { Expires = Targets.Expires };
        AddKey(name, delegator);
        return role;
    }

    /// <summary>Delegates from <paramref name="delegator"/> to 2^bitLength hash bins (<c>{prefix}-{bin}</c>) sharing one new key.</summary>
    public SuccinctRoles AddSuccinctDelegation(string delegator, int bitLength, string namePrefix)
    {
        var signer = SoftwareTufSigner.GenerateEd25519();
        var succinct = new SuccinctRoles { BitLength = bitLength, NamePrefix = namePrefix, KeyIds = [signer.KeyId], Threshold = 1 };
        Role(delegator).Delegations = new Delegations { Keys = { [signer.KeyId] = signer.PublicKey }, SuccinctRoles = succinct };
        foreach (var bin in succinct.GetRoles())
        {
            Delegated[bin] = new TargetsMetadata { Expires = Targets.Expires };
            Signers[bin] = [signer];
        }
        return succinct;
    }

    /// <summary>Publishes every change: root (as the next version), the targets roles, snapshot and timestamp.</summary>
    public async Task PublishAsync()
    {
        if (Changed(TufRoleNames.Root, Root)) await PublishRootAsync().ConfigureAwait(false);
        var snapshotMeta = new Dictionary<string, MetaFile>(StringComparer.Ordinal);
        foreach (var (name, role) in Delegated.Prepend(new(TufRoleNames.Targets, Targets)))
        {
            if (Changed(name, role)) Bump(name, role);
            var bytes = await SignAsync(role, Signers.GetValueOrDefault(name) ?? []).ConfigureAwait(false);
            WriteMetadata(name, role.Version, bytes);
            snapshotMeta[name + ".json"] = ListMetaHashes ? MetaFile.Describing(role.Version, bytes) : new MetaFile { Version = role.Version };
        }
        Snapshot.Meta = snapshotMeta;
        if (Changed(TufRoleNames.Snapshot, Snapshot)) Bump(TufRoleNames.Snapshot, Snapshot);
        var snapshotBytes = await SignAsync(Snapshot, Signers[TufRoleNames.Snapshot]).ConfigureAwait(false);
        WriteMetadata(TufRoleNames.Snapshot, Snapshot.Version, snapshotBytes);
        Timestamp.SnapshotMeta = ListMetaHashes ? MetaFile.Describing(Snapshot.Version, snapshotBytes) : new MetaFile { Version = Snapshot.Version };
        if (Changed(TufRoleNames.Timestamp, Timestamp)) Bump(TufRoleNames.Timestamp, Timestamp);
        var timestampBytes = await SignAsync(Timestamp, Signers[TufRoleNames.Timestamp]).ConfigureAwait(false);
        File.WriteAllBytes(Path.Combine(MetadataDirectory, "timestamp.json"), timestampBytes);
    }

    /// <summary>
    /// Writes root as its next version (the first publish: version 1), signed by the previous root's signers and
    /// the current ones, or only by <paramref name="signWith"/> when given (threshold tests).
    /// </summary>
    public async Task<byte[]> PublishRootAsync(IEnumerable<ITufSigner>? signWith = null)
    {
        if (_published.ContainsKey(TufRoleNames.Root)) Bump(TufRoleNames.Root, Root);
        else Remember(TufRoleNames.Root, Root);
        var current = Signers[TufRoleNames.Root];
        var signers = signWith?.ToList() ?? _previousRootSigners.Concat(current).DistinctBy(s => s.KeyId).ToList();
        var bytes = await SignAsync(Root, signers).ConfigureAwait(false);
        File.WriteAllBytes(Path.Combine(MetadataDirectory, $"{Root.Version}.root.json"), bytes);
        File.WriteAllBytes(Path.Combine(MetadataDirectory, "root.json"), bytes);
        _previousRootSigners = [.. current];
        return bytes;
    }

    /// <summary>Replaces the keys of <paramref name="role"/> in root with one new key (the old ones are revoked).</summary>
    public ITufSigner RotateTopLevelKey(string role)
    {
        foreach (var old in Root.Roles[role].KeyIds.ToList()) Root.RevokeKey(old, role);
        Signers[role] = [];
        return AddKey(role);
    }

    /// <summary>The signed file for <paramref name="signed"/> as it is now, by <paramref name="signers"/>.</summary>
    public static async Task<byte[]> SignAsync<T>(T signed, IEnumerable<ITufSigner> signers) where T : TufSigned, new()
    {
        var md = new TufMetadata<T>(signed);
        foreach (var s in signers) await md.SignAsync(s).ConfigureAwait(false);
        return md.ToBytes();
    }

    /// <summary>Writes metadata bytes as the repository serves them: <c>{version}.{role}.json</c> and <c>{role}.json</c> (timestamp: <c>timestamp.json</c> only).</summary>
    public void WriteMetadata(string role, long? version, byte[] bytes)
    {
        if (version is not null && role != TufRoleNames.Timestamp) File.WriteAllBytes(Path.Combine(MetadataDirectory, TufFileNames.Role(role, version)), bytes);
        File.WriteAllBytes(Path.Combine(MetadataDirectory, TufFileNames.Role(role)), bytes);
    }

    public byte[] ReadMetadata(string fileName) => File.ReadAllBytes(Path.Combine(MetadataDirectory, fileName));

    private bool Changed(string name, TufSigned role) =>
        !_published.TryGetValue(name, out var last) || last.Content != ContentOf(role) || role.Version != last.Version;

    private void Bump(string name, TufSigned role)
    {
        if (_published.TryGetValue(name, out var last) && role.Version <= last.Version) role.Version = last.Version + 1;
        Remember(name, role);
    }

    private void Remember(string name, TufSigned role) => _published[name] = (role.Version, ContentOf(role));

    private static string ContentOf(TufSigned role)
    {
        var json = role.ToJson();
        json.Remove("version");
        return Convert.ToHexString(SHA256.HashData(OlpcCanonicalJson.Serialize(json)));
    }
}
