namespace StellaOps.Ops.Tuf.Repository;

public sealed partial class TufRepository
{
    /// <summary>
    /// Signs what changed with the keys present: the pending root with <paramref name="rootSigners"/> (promoted to
    /// the next <c>N.root.json</c> once the old and the new threshold are met, otherwise left pending with who still
    /// has to sign), a new targets version when <c>content/</c> differs from what targets lists or targets is past
    /// half its validity, and always new snapshot and timestamp versions. Expiries come from the policy.
    /// </summary>
    public async Task<TufSignResult> SignAsync(IReadOnlyList<ITufSigner> rootSigners, Func<string, ITufSigner> onlineSigner, CancellationToken cancellationToken = default)
    {
        var result = new TufSignResult();
        await SignPendingRootAsync(rootSigners, result, cancellationToken).ConfigureAwait(false);
        var now = Now;
        var root = Root.Signed;

        var targetsMd = Read<TargetsMetadata>(TufRoleNames.Targets);
        var content = ReadContent();
        var listed = content.ToDictionary(kv => kv.Key, kv => TargetFile.Describing(kv.Key, kv.Value), StringComparer.Ordinal);
        if (targetsMd?.Signed.Delegations?.SuccinctRoles is { } bins)
        {
            // Hash bins: the targets live in the bins; targets itself lists none and changes only with its delegation.
            await SignHashBinsAsync(bins, content, listed, onlineSigner, result, cancellationToken).ConfigureAwait(false);
            listed = new Dictionary<string, TargetFile>(StringComparer.Ordinal);
            content = new Dictionary<string, byte[]>(StringComparer.Ordinal);
        }
        if (targetsMd is null || !SameTargets(targetsMd.Signed.Targets, listed) || HalfExpired(targetsMd.Signed, TufRoleNames.Targets, now))
        {
            var targets = targetsMd?.Signed ?? new TargetsMetadata { Version = 0 };
            targets.Version++;
            targets.Expires = Config.Expiry.ExpiresFrom(TufRoleNames.Targets, now);
            targets.Targets = listed;
            foreach (var (name, data) in content) WriteTarget(listed[name], data);
            var md = new TufMetadata<TargetsMetadata>(targets);
            await md.SignAsync(onlineSigner(TufRoleNames.Targets), append: false, cancellationToken).ConfigureAwait(false);
            WriteMetadata(TufRoleNames.Targets, targets.Version, md.ToBytes(indented: true));
            result.Signed[TufRoleNames.Targets] = targets.Version;
        }
        await SignSnapshotAndTimestampAsync(onlineSigner, result, cancellationToken).ConfigureAwait(false);
        return result;
    }

    /// <summary>New snapshot (listing every targets file in <c>metadata/</c> with length and hash) and timestamp versions.</summary>
    public async Task SignSnapshotAndTimestampAsync(Func<string, ITufSigner> onlineSigner, TufSignResult result, CancellationToken cancellationToken = default)
    {
        var now = Now;
        var previous = Read<SnapshotMetadata>(TufRoleNames.Snapshot)?.Signed;
        var snapshot = new SnapshotMetadata { Version = (previous?.Version ?? 0) + 1, Expires = Config.Expiry.ExpiresFrom(TufRoleNames.Snapshot, now) };
        var bins = HashBinRoles?.GetRoles().Select(r => TufFileNames.Role(r)) ?? [];
        foreach (var name in (previous?.Meta.Keys.ToList() ?? []).Append(TufFileNames.Role(TufRoleNames.Targets)).Concat(bins).Distinct())
        {
            var role = Uri.UnescapeDataString(name[..^".json".Length]);
            var md = Read<TargetsMetadata>(role) ?? throw TufRepositoryErrors.OutOfStep(TufRoleNames.Snapshot, $"it lists {name}, which metadata/ does not hold");
            snapshot.Meta[name] = MetaFile.Describing(md.Signed.Version, File.ReadAllBytes(Path.Combine(MetadataDirectory, TufFileNames.Role(role))));
        }
        var s = new TufMetadata<SnapshotMetadata>(snapshot);
        await s.SignAsync(onlineSigner(TufRoleNames.Snapshot), append: false, cancellationToken).ConfigureAwait(false);
        var snapshotBytes = s.ToBytes(indented: true);
        WriteMetadata(TufRoleNames.Snapshot, snapshot.Version, snapshotBytes);
        result.Signed[TufRoleNames.Snapshot] = snapshot.Version;

        var previousTs = Read<TimestampMetadata>(TufRoleNames.Timestamp)?.Signed;
        var timestamp = new TimestampMetadata
        {
            Version = (previousTs?.Version ?? 0) + 1,
            Expires = Config.Expiry.ExpiresFrom(TufRoleNames.Timestamp, now),
            SnapshotMeta = MetaFile.Describing(snapshot.Version, snapshotBytes),
        };
        var t = new TufMetadata<TimestampMetadata>(timestamp);
        await t.SignAsync(onlineSigner(TufRoleNames.Timestamp), append: false, cancellationToken).ConfigureAwait(false);
        WriteMetadata(TufRoleNames.Timestamp, timestamp.Version, t.ToBytes(indented: true));
        result.Signed[TufRoleNames.Timestamp] = timestamp.Version;
    }

    /// <summary>Writes a target as clients fetch it with consistent snapshots (<c>{sha256}.{name}</c>) and under its plain name.</summary>
    public void WriteTarget(TargetFile file, ReadOnlySpan<byte> data)
    {
        foreach (var prefix in new[] { file.Hashes["sha256"], null })
        {
            var relative = TufFileNames.RemoteTarget(file.Path, prefix);
            var full = Path.Combine([TargetsDirectory, .. relative.Split('/')]);
            if (!File.Exists(full) || prefix is null) AtomicFile.Write(full, data);
        }
    }

    private bool HalfExpired(TufSigned role, string name, DateTimeOffset now) => role.Expires - now < Config.Expiry.For(name) / 2;

    private static bool SameTargets(Dictionary<string, TargetFile> a, Dictionary<string, TargetFile> b) =>
        a.Count == b.Count && a.All(kv => b.TryGetValue(kv.Key, out var o) && o.Length == kv.Value.Length
            && kv.Value.Hashes.TryGetValue("sha256", out var h) && o.Hashes["sha256"] == h);

    private async Task SignPendingRootAsync(IReadOnlyList<ITufSigner> rootSigners, TufSignResult result, CancellationToken cancellationToken)
    {
        if (PendingRoot is not { } pending) return;
        var old = Root.Signed;
        foreach (var signer in rootSigners)
        {
            if (!old.Roles[TufRoleNames.Root].KeyIds.Contains(signer.KeyId) && !pending.Signed.Roles[TufRoleNames.Root].KeyIds.Contains(signer.KeyId)) continue;
            if (pending.Signatures.Any(s => s.KeyId == signer.KeyId)) continue;
            var keep = pending.Signatures.ToList();
            await pending.SignAsync(signer, cancellationToken: cancellationToken).ConfigureAwait(false);
            foreach (var s in keep.Where(k => !pending.Signatures.Any(p => p.KeyId == k.KeyId))) pending.Signatures.Add(s);
        }
        AtomicFile.Write(PendingRootPath, pending.ToBytes(indented: true));
        var missing = MissingRootSignatures(pending);
        if (missing.Count > 0)
        {
            result.PendingRootVersion = pending.Signed.Version;
            result.StillToSign.AddRange(missing);
            return;
        }
        var problems = new TufRepositoryValidator(this).CheckRoot(pending, old);
        if (problems.Count > 0) throw problems[0];
        var bytes = pending.ToBytes(indented: true);
        WriteMetadata(TufRoleNames.Root, pending.Signed.Version, bytes);
        File.Delete(PendingRootPath);
        foreach (var h in Config.RootHolders.Where(h => h.Retired is null && old.Roles[TufRoleNames.Root].KeyIds.Contains(h.KeyId) && !pending.Signed.Roles[TufRoleNames.Root].KeyIds.Contains(h.KeyId)))
            h.Retired = Now;
        Config.Write(Directory);
        AppendChangeLog("root-rotation-signed", $"root {pending.Signed.Version} signed by the old and the new threshold");
        result.Signed[TufRoleNames.Root] = pending.Signed.Version;
    }

    /// <summary>For a pending root: the holders whose signatures are still needed, each with the threshold it counts for (empty when both are met).</summary>
    public List<string> MissingRootSignatures(TufMetadata<RootMetadata> pending)
    {
        var old = Root.Signed;
        var missing = new List<string>();
        foreach (var (label, keys, role) in new[] { ("old root", old.Keys, old.Roles[TufRoleNames.Root]), ("new root", pending.Signed.Keys, pending.Signed.Roles[TufRoleNames.Root]) })
        {
            var valid = pending.CountValidSignatures(role, keys);
            if (valid >= role.Threshold) continue;
            var unsigned = role.KeyIds.Where(id => !pending.Signatures.Any(s => s.KeyId == id && keys.ContainsKey(id) && pending.CountValidSignatures(new TufRoleKeys { KeyIds = [id] }, keys) == 1));
            missing.Add($"{role.Threshold - valid} more of [{string.Join(", ", unsigned.Select(HolderOf))}] ({label}: {valid} of {role.Threshold} signed)");
        }
        return missing;
    }
}
