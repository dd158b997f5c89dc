using StellaOps.Ops.Contracts;

namespace StellaOps.Ops.Tuf.Repository;

/// <summary>
/// The checks a client makes, made before anything is published (tuf-on-ci's validation is the bar): every role
/// signed by its threshold, not expired and not expiring later than the policy allows, versions that increase over
/// the published ones, each new root exactly N+1 and signed by the thresholds of N and N+1, key ids that are the keys'
/// spec ids, timestamp → snapshot → targets in step (versions, lengths, hashes), the files consistent snapshots need.
/// </summary>
public sealed class TufRepositoryValidator(TufRepository repository)
{
    /// <summary>Every reason a client would refuse <c>metadata/</c> after having trusted <paramref name="publishedMetadata"/> (a directory, or null for a first publish).</summary>
    public List<OpsException> Check(string? publishedMetadata)
    {
        var problems = new List<OpsException>();
        var dir = repository.MetadataDirectory;
        var published = publishedMetadata is not null && File.Exists(Path.Combine(publishedMetadata, "root.json")) ? publishedMetadata : null;
        TufMetadata<RootMetadata>? previousRoot = published is null ? null : repository.Read<RootMetadata>(TufRoleNames.Root, published);
        var root = repository.Root;
        var start = previousRoot?.Signed.Version ?? 1;
        if (previousRoot is not null && root.Signed.Version < previousRoot.Signed.Version)
            problems.Add(TufRepositoryErrors.Version(TufRoleNames.Root, $"version {root.Signed.Version} is older than the published {previousRoot.Signed.Version}"));
        // The chain from what clients have to the newest root: each N+1 signed by N's and its own threshold.
        TufMetadata<RootMetadata>? prev = previousRoot;
        for (var v = start; v <= root.Signed.Version; v++)
        {
            var path = Path.Combine(dir, $"{v}.root.json");
            if (!File.Exists(path)) { problems.Add(TufRepositoryErrors.OutOfStep(TufRoleNames.Root, $"{v}.root.json is missing from the chain")); break; }
            var md = TufMetadata<RootMetadata>.FromBytes(File.ReadAllBytes(path), TufRoleNames.Root);
            if (prev is not null && v == prev.Signed.Version)
            {
                if (!md.SignedBytes().AsSpan().SequenceEqual(prev.SignedBytes()))
                    problems.Add(TufRepositoryErrors.Version(TufRoleNames.Root, $"{v}.root.json differs from the published root {v}: a published version is never changed"));
                continue;
            }
            problems.AddRange(CheckRoot(md, prev?.Signed, checkExpiry: v == root.Signed.Version));
            prev = md;
        }
        if (prev is not null && !prev.SignedBytes().AsSpan().SequenceEqual(root.SignedBytes()))
            problems.Add(TufRepositoryErrors.OutOfStep(TufRoleNames.Root, "root.json is not the newest N.root.json"));

        var trusted = root.Signed;
        var timestamp = Load<TimestampMetadata>(TufRoleNames.Timestamp, problems);
        var snapshot = Load<SnapshotMetadata>(TufRoleNames.Snapshot, problems);
        var targets = Load<TargetsMetadata>(TufRoleNames.Targets, problems);
        if (timestamp is null || snapshot is null || targets is null) return problems;
        foreach (var (name, md) in new (string, object)[] { (TufRoleNames.Timestamp, timestamp), (TufRoleNames.Snapshot, snapshot), (TufRoleNames.Targets, targets) })
        {
            var signed = md switch { TufMetadata<TimestampMetadata> t => (TufSigned)t.Signed, TufMetadata<SnapshotMetadata> s => s.Signed, TufMetadata<TargetsMetadata> g => g.Signed, _ => throw new InvalidOperationException() };
            var valid = md switch { TufMetadata<TimestampMetadata> t => t.CountValidSignatures(trusted.Roles[name], trusted.Keys), TufMetadata<SnapshotMetadata> s => s.CountValidSignatures(trusted.Roles[name], trusted.Keys), TufMetadata<TargetsMetadata> g => g.CountValidSignatures(trusted.Roles[name], trusted.Keys), _ => 0 };
            if (valid < trusted.Roles[name].Threshold)
                problems.Add(TufRepositoryErrors.ThresholdNotMet(name, $"{valid} of {trusted.Roles[name].Threshold} valid signatures of root's {name} keys", trusted.Roles[name].KeyIds.Select(repository.HolderOf)));
            CheckExpiry(name, signed, problems);
            if (published is not null && File.Exists(Path.Combine(published, TufFileNames.Role(name))))
            {
                var before = File.ReadAllBytes(Path.Combine(published, TufFileNames.Role(name)));
                var beforeVersion = System.Text.Json.Nodes.JsonNode.Parse(before)?["signed"]?["version"]?.GetValue<long>() ?? 0;
                var same = before.AsSpan().SequenceEqual(File.ReadAllBytes(Path.Combine(dir, TufFileNames.Role(name))));
                if (signed.Version < beforeVersion || (signed.Version == beforeVersion && !same))
                    problems.Add(TufRepositoryErrors.Version(name, $"version {signed.Version} does not increase over the published {beforeVersion}"));
            }
        }
        var snapshotBytes = File.ReadAllBytes(Path.Combine(dir, "snapshot.json"));
        var tsMeta = timestamp.Signed.SnapshotMeta;
        if (tsMeta.Version != snapshot.Signed.Version)
            problems.Add(TufRepositoryErrors.OutOfStep(TufRoleNames.Timestamp, $"it lists snapshot {tsMeta.Version}, but snapshot.json is version {snapshot.Signed.Version}"));
        else if (tsMeta.Length is { } l && l != snapshotBytes.Length || tsMeta.Hashes?.GetValueOrDefault("sha256") is { } h && h != TufRepository.Sha256(snapshotBytes))
            problems.Add(TufRepositoryErrors.OutOfStep(TufRoleNames.Timestamp, "the length or hash it lists for snapshot.json is not snapshot.json's"));
        if (trusted.ConsistentSnapshot && !File.Exists(Path.Combine(dir, $"{snapshot.Signed.Version}.snapshot.json")))
            problems.Add(TufRepositoryErrors.OutOfStep(TufRoleNames.Snapshot, $"{snapshot.Signed.Version}.snapshot.json is missing (consistent snapshots)"));
        foreach (var (name, meta) in snapshot.Signed.Meta)
        {
            var role = Uri.UnescapeDataString(name[..^".json".Length]);
            var file = Path.Combine(dir, trusted.ConsistentSnapshot ? TufFileNames.Role(role, meta.Version) : TufFileNames.Role(role));
            if (!File.Exists(file)) { problems.Add(TufRepositoryErrors.OutOfStep(TufRoleNames.Snapshot, $"it lists {name} version {meta.Version}, which metadata/ does not hold")); continue; }
            var data = File.ReadAllBytes(file);
            if (meta.Length is { } ml && ml != data.Length || meta.Hashes?.GetValueOrDefault("sha256") is { } mh && mh != TufRepository.Sha256(data))
                problems.Add(TufRepositoryErrors.OutOfStep(TufRoleNames.Snapshot, $"the length or hash it lists for {name} is not the file's"));
        }
        if (!snapshot.Signed.Meta.TryGetValue("targets.json", out var tm) || tm.Version != targets.Signed.Version)
            problems.Add(TufRepositoryErrors.OutOfStep(TufRoleNames.Snapshot, $"it does not list targets.json version {targets.Signed.Version}"));
        if (published is not null && repository.Read<SnapshotMetadata>(TufRoleNames.Snapshot, published) is { } oldSnapshot)
            foreach (var (name, meta) in oldSnapshot.Signed.Meta)
                if (!snapshot.Signed.Meta.TryGetValue(name, out var now) || now.Version < meta.Version)
                    problems.Add(TufRepositoryErrors.Version(TufRoleNames.Snapshot, $"{name} goes back from the published version {meta.Version} (or is gone): clients see a rollback"));
        if (targets.Signed.Delegations is { } d) CheckKeyIds(TufRoleNames.Targets, d.Keys, problems);
        CheckTargetFiles(TufRoleNames.Targets, targets.Signed, trusted.ConsistentSnapshot, problems);
        if (targets.Signed.Delegations is { SuccinctRoles: { } bins } delegations) CheckHashBins(delegations, bins, snapshot.Signed, trusted.ConsistentSnapshot, problems);
        return problems;
    }

    /// <summary>Each hash bin: present and listed by snapshot, signed by the bins' threshold, within policy, and listing only targets that hash to it.</summary>
    private void CheckHashBins(Delegations delegations, SuccinctRoles bins, SnapshotMetadata snapshot, bool consistent, List<OpsException> problems)
    {
        foreach (var bin in bins.GetRoles())
        {
            var md = Load<TargetsMetadata>(bin, problems);
            if (md is null) continue;
            var valid = md.CountValidSignatures(bins, delegations.Keys);
            if (valid < bins.Threshold)
                problems.Add(TufRepositoryErrors.ThresholdNotMet(bin, $"{valid} of {bins.Threshold} valid signatures of the bins' keys", [TufHashBins.KeyRole + " key"]));
            CheckExpiry(bin, md.Signed, problems);
            if (!snapshot.Meta.TryGetValue(TufFileNames.Role(bin), out var meta) || meta.Version != md.Signed.Version)
                problems.Add(TufRepositoryErrors.OutOfStep(TufRoleNames.Snapshot, $"it does not list {bin} version {md.Signed.Version}"));
            foreach (var name in md.Signed.Targets.Keys.Where(n => bins.GetRoleForTarget(n) != bin))
                problems.Add(TufRepositoryErrors.OutOfStep(bin, $"it lists '{name}', which hashes to {bins.GetRoleForTarget(name)}: clients never look for it here"));
            CheckTargetFiles(bin, md.Signed, consistent, problems);
        }
    }

    private void CheckTargetFiles(string role, TargetsMetadata targets, bool consistent, List<OpsException> problems)
    {
        foreach (var t in targets.Targets.Values)
        {
            var file = Path.Combine([repository.TargetsDirectory, .. TufFileNames.RemoteTarget(t.Path, consistent ? t.Hashes["sha256"] : null).Split('/')]);
            if (!File.Exists(file) || TufRepository.Sha256(File.ReadAllBytes(file)) != t.Hashes["sha256"])
                problems.Add(TufRepositoryErrors.OutOfStep(role, $"target '{t.Path}' is missing from targets/ or differs from what {role} lists"));
        }
    }

    /// <summary>A new root: N+1 of <paramref name="previous"/>, signed by its threshold and the previous one's, keys under their ids, within the expiry policy.</summary>
    public List<OpsException> CheckRoot(TufMetadata<RootMetadata> root, RootMetadata? previous, bool checkExpiry = true)
    {
        var problems = new List<OpsException>();
        var r = root.Signed;
        if (previous is not null && r.Version != previous.Version + 1)
            problems.Add(TufRepositoryErrors.Version(TufRoleNames.Root, $"version {r.Version} is not the trusted root's {previous.Version} + 1"));
        CheckKeyIds(TufRoleNames.Root, r.Keys, problems);
        foreach (var role in TufRoleNames.TopLevel)
            if (r.Roles[role].KeyIds.Count < r.Roles[role].Threshold)
                problems.Add(TufRepositoryErrors.ThresholdNotMet(TufRoleNames.Root, $"role {role} has {r.Roles[role].KeyIds.Count} keys for a threshold of {r.Roles[role].Threshold}", []));
        foreach (var (label, signer) in previous is null ? [("its own", r)] : new[] { ("the previous root's", previous), ("its own", r) })
        {
            var valid = root.CountValidSignatures(signer.Roles[TufRoleNames.Root], signer.Keys);
            if (valid < signer.Roles[TufRoleNames.Root].Threshold)
                problems.Add(TufRepositoryErrors.ThresholdNotMet($"root {r.Version}", $"{valid} of {signer.Roles[TufRoleNames.Root].Threshold} valid signatures of {label} root keys",
                    signer.Roles[TufRoleNames.Root].KeyIds.Where(id => !root.Signatures.Any(s => s.KeyId == id)).Select(repository.HolderOf)));
        }
        if (checkExpiry) CheckExpiry(TufRoleNames.Root, r, problems);
        return problems;
    }

    private void CheckExpiry(string role, TufSigned signed, List<OpsException> problems)
    {
        var now = repository.Now;
        if (signed.IsExpired(now)) problems.Add(TufRepositoryErrors.Expiry(role, $"version {signed.Version} expired at {signed.Expires:yyyy-MM-ddTHH:mm:ssZ}"));
        else if (signed.Expires > now + repository.Config.Expiry.For(role) + ExpiryPolicy.Tolerance)
            problems.Add(TufRepositoryErrors.Expiry(role, $"version {signed.Version} expires at {signed.Expires:yyyy-MM-ddTHH:mm:ssZ}, later than the policy's {repository.Config.Expiry.For(role).TotalDays:0.##} days"));
    }

    private static void CheckKeyIds(string role, Dictionary<string, TufKey> keys, List<OpsException> problems)
    {
        foreach (var (id, key) in keys)
            if (key.ComputeKeyId() is var actual && actual != id) problems.Add(TufRepositoryErrors.KeyIdMismatch(role, id, actual));
    }

    private TufMetadata<T>? Load<T>(string role, List<OpsException> problems) where T : TufSigned, new()
    {
        try
        {
            var md = repository.Read<T>(role);
            if (md is null) problems.Add(TufRepositoryErrors.OutOfStep(role, $"metadata/{role}.json is missing: run sign-metadata.sh"));
            return md;
        }
        catch (OpsException e)
        {
            problems.Add(e);
            return null;
        }
    }
}
