using System.Security.Cryptography;

namespace StellaOps.Ops.Tuf;

/// <summary>
/// The metadata this client trusts, and every check of the TUF client workflow (spec §5): each <c>Update…</c> takes the
/// bytes of one file, verifies it against what is already trusted, and only then makes it trusted. No I/O, no clock
/// of its own: the reference time is given. The updater (<see cref="TufUpdater"/>) fetches; this decides.
/// </summary>
public sealed class TrustedMetadataSet
{
    private readonly Dictionary<string, TufMetadata<TargetsMetadata>> _targets = new(StringComparer.Ordinal);

    /// <summary>Trusts <paramref name="rootBytes"/> (the client's local root: it must be signed by its own threshold).</summary>
    public TrustedMetadataSet(ReadOnlySpan<byte> rootBytes, DateTimeOffset referenceTime)
    {
        ReferenceTime = referenceTime;
        var root = ParseRoot(rootBytes);
        VerifyRole(root, TufRoleNames.Root, root.Signed.Roles[TufRoleNames.Root], root.Signed.Keys, "root", rootError: true);
        Root = root;
    }

    public DateTimeOffset ReferenceTime { get; }

    public TufMetadata<RootMetadata> Root { get; private set; }

    public TufMetadata<TimestampMetadata>? Timestamp { get; private set; }

    public TufMetadata<SnapshotMetadata>? Snapshot { get; private set; }

    public TufMetadata<TargetsMetadata>? Targets => _targets.GetValueOrDefault(TufRoleNames.Targets);

    /// <summary>The trusted targets role and the delegated roles loaded so far, by name.</summary>
    public IReadOnlyDictionary<string, TufMetadata<TargetsMetadata>> TargetsRoles => _targets;

    /// <summary>Spec 5.3: <paramref name="data"/> must be root version N+1, signed by the thresholds of N and of itself.</summary>
    public TufMetadata<RootMetadata> UpdateRoot(ReadOnlySpan<byte> data)
    {
        if (Timestamp is not null) throw TufErrors.Workflow("root cannot change once timestamp is loaded");
        var next = ParseRoot(data);
        VerifyRole(next, TufRoleNames.Root, Root.Signed.Roles[TufRoleNames.Root], Root.Signed.Keys, "trusted root", rootError: true);
        if (next.Signed.Version != Root.Signed.Version + 1)
            throw TufErrors.RootInvalid($"version {next.Signed.Version} does not follow the trusted version {Root.Signed.Version}");
        VerifyRole(next, TufRoleNames.Root, next.Signed.Roles[TufRoleNames.Root], next.Signed.Keys, "new root", rootError: true);
        Root = next;
        return next;
    }

    /// <summary>
    /// Spec 5.4. Returns false when it has the version already trusted (nothing changes). An expired timestamp
    /// becomes trusted (for rollback checks) and then throws <c>TufExpired</c>.
    /// </summary>
    public bool UpdateTimestamp(ReadOnlySpan<byte> data)
    {
        if (Snapshot is not null) throw TufErrors.Workflow("timestamp cannot change once snapshot is loaded");
        if (Root.Signed.IsExpired(ReferenceTime)) throw TufErrors.Expired(TufRoleNames.Root, Root.Signed.Expires);
        var next = Parse<TimestampMetadata>(data, TufRoleNames.Timestamp);
        VerifyTopLevel(next, TufRoleNames.Timestamp);
        if (Timestamp is { } current)
        {
            if (next.Signed.Version < current.Signed.Version)
                throw TufErrors.Rollback(TufRoleNames.Timestamp, $"version {next.Signed.Version} is older than the trusted version {current.Signed.Version}");
            if (next.Signed.Version == current.Signed.Version) return false;
            if (next.Signed.SnapshotMeta.Version < current.Signed.SnapshotMeta.Version)
                throw TufErrors.Rollback(TufRoleNames.Snapshot, $"timestamp lists snapshot version {next.Signed.SnapshotMeta.Version}, older than the trusted {current.Signed.SnapshotMeta.Version}");
        }
        Timestamp = next;
        CheckFinalTimestamp();
        return true;
    }

    /// <summary>
    /// Spec 5.5. <paramref name="trusted"/>: the bytes come from the local cache, written only after they verified, so
    /// their hashes are not compared with timestamp's (an older cached snapshot still serves for rollback checks).
    /// Signatures, rollback, version and expiry are checked either way.
    /// </summary>
    public TufMetadata<SnapshotMetadata> UpdateSnapshot(ReadOnlySpan<byte> data, bool trusted = false)
    {
        if (Timestamp is null) throw TufErrors.Workflow("snapshot needs a trusted timestamp");
        if (Targets is not null) throw TufErrors.Workflow("snapshot cannot change once targets is loaded");
        CheckFinalTimestamp();
        var meta = Timestamp.Signed.SnapshotMeta;
        if (!trusted) CheckLengthAndHashes(data, meta.Length, meta.Hashes, TufRoleNames.Snapshot);
        var next = Parse<SnapshotMetadata>(data, TufRoleNames.Snapshot);
        VerifyTopLevel(next, TufRoleNames.Snapshot);
        if (Snapshot is { } current)
        {
            foreach (var (name, old) in current.Signed.Meta)
            {
                if (!next.Signed.Meta.TryGetValue(name, out var now))
                    throw TufErrors.Rollback(TufRoleNames.Snapshot, $"'{name}' is no longer listed");
                if (now.Version < old.Version)
                    throw TufErrors.Rollback(name, $"snapshot lists version {now.Version}, older than the trusted {old.Version}");
            }
        }
        Snapshot = next;
        CheckFinalSnapshot();
        return next;
    }

    /// <summary>Spec 5.6: the top-level targets role, delegated by root.</summary>
    public TufMetadata<TargetsMetadata> UpdateTargets(ReadOnlySpan<byte> data) => UpdateDelegatedTargets(data, TufRoleNames.Targets, TufRoleNames.Root);

    /// <summary>Spec 5.6/5.7: a targets role, verified with the keys its delegator (already trusted) lists for it now.</summary>
    public TufMetadata<TargetsMetadata> UpdateDelegatedTargets(ReadOnlySpan<byte> data, string role, string delegator)
    {
        if (Snapshot is null) throw TufErrors.Workflow("targets need a trusted snapshot");
        CheckFinalSnapshot();
        TufRoleKeys roleKeys;
        IReadOnlyDictionary<string, TufKey> keys;
        if (delegator == TufRoleNames.Root)
        {
            roleKeys = Root.Signed.Roles[TufRoleNames.Targets];
            keys = Root.Signed.Keys;
        }
        else
        {
            if (!_targets.TryGetValue(delegator, out var parent)) throw TufErrors.Workflow($"'{role}' needs its delegator '{delegator}' loaded first");
            var delegations = parent.Signed.Delegations ?? throw TufErrors.RoleNotListed(role, delegator);
            roleKeys = delegations.FindRole(role) ?? throw TufErrors.RoleNotListed(role, delegator);
            keys = delegations.Keys;
        }
        var fileName = role + ".json";
        if (!Snapshot.Signed.Meta.TryGetValue(fileName, out var meta)) throw TufErrors.RoleNotListed(fileName, TufRoleNames.Snapshot);
        CheckLengthAndHashes(data, meta.Length, meta.Hashes, role);
        var next = Parse<TargetsMetadata>(data, role);
        VerifyRole(next, role, roleKeys, keys, delegator, rootError: false);
        if (next.Signed.Version != meta.Version) throw TufErrors.VersionMismatch(role, meta.Version, next.Signed.Version);
        if (next.Signed.IsExpired(ReferenceTime)) throw TufErrors.Expired(role, next.Signed.Expires);
        _targets[role] = next;
        return next;
    }

    private void CheckFinalTimestamp()
    {
        if (Timestamp!.Signed.IsExpired(ReferenceTime)) throw TufErrors.Expired(TufRoleNames.Timestamp, Timestamp.Signed.Expires);
    }

    private void CheckFinalSnapshot()
    {
        if (Snapshot!.Signed.IsExpired(ReferenceTime)) throw TufErrors.Expired(TufRoleNames.Snapshot, Snapshot.Signed.Expires);
        var expected = Timestamp!.Signed.SnapshotMeta.Version;
        if (Snapshot.Signed.Version != expected) throw TufErrors.VersionMismatch(TufRoleNames.Snapshot, expected, Snapshot.Signed.Version);
    }

    private void VerifyTopLevel<T>(TufMetadata<T> metadata, string role) where T : TufSigned, new()
        => VerifyRole(metadata, role, Root.Signed.Roles[role], Root.Signed.Keys, "root", rootError: false);

    private static void VerifyRole<T>(TufMetadata<T> metadata, string role, TufRoleKeys roleKeys, IReadOnlyDictionary<string, TufKey> keys, string signer, bool rootError)
        where T : TufSigned, new()
    {
        var valid = metadata.CountValidSignatures(roleKeys, keys);
        if (valid >= roleKeys.Threshold) return;
        var e = TufErrors.ThresholdNotMet(role, valid, roleKeys.Threshold, signer);
        throw rootError ? TufErrors.RootInvalid(e.Message.TrimEnd('.')) : e;
    }

    private static TufMetadata<RootMetadata> ParseRoot(ReadOnlySpan<byte> data)
    {
        try
        {
            return TufMetadata<RootMetadata>.FromBytes(data, TufRoleNames.Root);
        }
        catch (Contracts.OpsException e) when (e.Code == Contracts.OpsErrorCode.TufMetadataInvalid)
        {
            throw TufErrors.RootInvalid(e.Message.TrimEnd('.'));
        }
    }

    private static TufMetadata<T> Parse<T>(ReadOnlySpan<byte> data, string role) where T : TufSigned, new() => TufMetadata<T>.FromBytes(data, role);

    /// <summary>Length and every listed hash (an unknown hash algorithm is refused: it cannot be checked).</summary>
    internal static void CheckLengthAndHashes(ReadOnlySpan<byte> data, long? length, IReadOnlyDictionary<string, string>? hashes, string role)
    {
        if (length is { } l && data.Length != l) throw TufErrors.LengthMismatch(role, l, data.Length);
        if (hashes is null) return;
        foreach (var (algorithm, expected) in hashes)
        {
            byte[] actual = algorithm switch
            {
                "sha256" => SHA256.HashData(data),
                "sha384" => SHA384.HashData(data),
                "sha512" => SHA512.HashData(data),
                _ => throw TufErrors.HashMismatch(role, $"{algorithm} (not supported by this client)"),
            };
            if (!string.Equals(Convert.ToHexStringLower(actual), expected, StringComparison.OrdinalIgnoreCase)) throw TufErrors.HashMismatch(role, algorithm);
        }
    }
}
