namespace StellaOps.Ops.Tuf.Repository;

public sealed partial class TufRepository
{
    /// <summary>Each role's version, expiry, keys, threshold, signatures present and missing; the changes pending.</summary>
    public TufRepositoryStatus GetStatus()
    {
        var root = Root;
        var trusted = root.Signed;
        var roles = new List<TufRoleState> { State(TufRoleNames.Root, root, trusted, pending: false) };
        if (PendingRoot is { } p) roles.Add(State(TufRoleNames.Root, p, p.Signed, pending: true));
        if (Read<TargetsMetadata>(TufRoleNames.Targets) is { } t) roles.Add(State(TufRoleNames.Targets, t, trusted, false));
        if (Read<SnapshotMetadata>(TufRoleNames.Snapshot) is { } s) roles.Add(State(TufRoleNames.Snapshot, s, trusted, false));
        if (Read<TimestampMetadata>(TufRoleNames.Timestamp) is { } ts) roles.Add(State(TufRoleNames.Timestamp, ts, trusted, false));
        var changes = new List<string>();
        var listed = ListedTargets();
        foreach (var (name, data) in ReadContent())
            if (!listed.TryGetValue(name, out var f) || f.Hashes.GetValueOrDefault("sha256") != Sha256(data)) changes.Add($"target {name} changed");
        foreach (var name in listed.Keys.Where(n => ReadContent(n) is null)) changes.Add($"target {name} removed");
        if (PendingRoot is { } pr) changes.Add($"root {pr.Signed.Version} pending; still to sign: {string.Join("; ", MissingRootSignatures(pr))}");
        return new TufRepositoryStatus { Directory = Directory, Roles = roles, PendingChanges = changes, RootHolders = Config.RootHolders.Count(h => h.Retired is null) };
    }

    private TufRoleState State<T>(string role, TufMetadata<T> md, RootMetadata trusted, bool pending) where T : TufSigned, new()
    {
        var keys = trusted.Roles[role];
        var signed = keys.KeyIds.Where(id => trusted.Keys.ContainsKey(id) && md.CountValidSignatures(new TufRoleKeys { KeyIds = [id] }, trusted.Keys) == 1).ToList();
        var missing = pending && md is TufMetadata<RootMetadata> r ? MissingRootSignatures(r) : [.. keys.KeyIds.Except(signed).Select(HolderOf)];
        return new TufRoleState
        {
            Role = role, Version = md.Signed.Version, Expires = md.Signed.Expires, Threshold = keys.Threshold, KeyIds = [.. keys.KeyIds],
            SignedBy = [.. signed.Select(HolderOf)], NotSigned = missing, Pending = pending,
            ThresholdMet = pending ? missing.Count == 0 : signed.Count >= keys.Threshold,
        };
    }
}
