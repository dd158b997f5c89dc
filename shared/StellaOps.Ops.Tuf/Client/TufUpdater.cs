using System.Globalization;
using StellaOps.Ops.Contracts;
using StellaOps.Ops.Contracts.Unix;

namespace StellaOps.Ops.Tuf;

/// <summary>
/// The TUF client workflow (spec §5.2–5.7): fetches root versions N+1… , then timestamp, snapshot and targets, hands
/// each file's bytes to a <see cref="TrustedMetadataSet"/> (which does every check), and stores a file in the local
/// cache only after it became trusted, as the exact bytes served under its unversioned name. Cached files are
/// verified again whenever they are loaded; one that no longer verifies is never used (the repository's is fetched).
/// Targets are found by a depth-first pre-order walk of the delegations and downloaded against their length and hashes.
/// One refresh or search at a time per updater.
/// </summary>
public sealed class TufUpdater : IDisposable
{
    /// <summary>The file (no <c>.json</c>: never taken for a role) holding the time of the last successful refresh.</summary>
    public const string LastRefreshFileName = "last-refresh";

    private readonly TufUpdaterOptions _options;
    private readonly ITufFetcher _fetcher;
    private readonly bool _ownsFetcher;
    private readonly TufLocalCache _metadata;
    private readonly TufLocalCache? _targets;
    private readonly string _metadataBaseUrl;
    private readonly SemaphoreSlim _gate = new(1, 1);
    private TrustedMetadataSet? _trusted;

    public TufUpdater(TufUpdaterOptions options)
    {
        ArgumentNullException.ThrowIfNull(options);
        ArgumentException.ThrowIfNullOrEmpty(options.MetadataDirectory);
        ArgumentException.ThrowIfNullOrEmpty(options.MetadataBaseUrl);
        _options = options;
        _ownsFetcher = options.Fetcher is null;
        _fetcher = options.Fetcher ?? new HttpTufFetcher();
        _metadata = new TufLocalCache(options.MetadataDirectory, options.PathTrust);
        _targets = options.TargetDirectory is { } t ? new TufLocalCache(t, options.PathTrust) : null;
        _metadataBaseUrl = WithSlash(options.MetadataBaseUrl);
    }

    /// <summary>What the last refresh (or <see cref="LoadFromCache"/>) made trusted; null before.</summary>
    public TrustedMetadataSet? Trusted => _trusted;

    /// <summary>
    /// Puts a trusted root into a metadata directory (created when missing): the root must be well-formed and signed by
    /// its own threshold. Refused when the directory already has a root, unless <paramref name="overwrite"/>.
    /// </summary>
    public static void Initialize(string metadataDirectory, ReadOnlySpan<byte> rootBytes, PathTrust? trust = null, bool overwrite = false)
    {
        _ = new TrustedMetadataSet(rootBytes, DateTimeOffset.MinValue);
        var cache = new TufLocalCache(metadataDirectory, trust);
        cache.EnsureDirectory();
        var file = TufFileNames.Role(TufRoleNames.Root);
        if (!overwrite && cache.Exists(file))
            throw new OpsException(OpsErrorCode.Conflict, $"{cache.PathOf(file)} already holds a trusted root.", cache.PathOf(file),
                "Keep it (a refresh rotates it safely), or initialise again with overwrite to replace it.");
        cache.Write(file, rootBytes);
    }

    /// <summary>The time of the last successful refresh, from the cache; null when there was none.</summary>
    public DateTimeOffset? LastRefresh
    {
        get
        {
            var data = _metadata.Exists(LastRefreshFileName) ? _metadata.Read(LastRefreshFileName, 64) : null;
            return data is not null && DateTimeOffset.TryParse(System.Text.Encoding.ASCII.GetString(data).Trim(), CultureInfo.InvariantCulture,
                DateTimeStyles.AssumeUniversal | DateTimeStyles.AdjustToUniversal, out var t) ? t : null;
        }
    }

    /// <summary>
    /// Updates the top-level metadata from the repository (root rotations, timestamp, snapshot, targets). Throws the
    /// typed <c>Tuf*</c> errors; what was trusted before stays in the cache on any failure.
    /// </summary>
    public async Task<TufRefreshResult> RefreshAsync(CancellationToken cancellationToken = default)
    {
        await _gate.WaitAsync(cancellationToken).ConfigureAwait(false);
        try
        {
            return await RefreshLockedAsync(cancellationToken).ConfigureAwait(false);
        }
        finally
        {
            _gate.Release();
        }
    }

    private async Task<TufRefreshResult> RefreshLockedAsync(CancellationToken cancellationToken)
    {
        _metadata.EnsureDirectory();
        var now = CheckClock();
        _trusted = null;
        var set = NewTrustedSet(now);
        var before = new Dictionary<string, long>(StringComparer.Ordinal) { [TufRoleNames.Root] = set.Root.Signed.Version };
        _options.StepStarted?.Invoke(TufRoleNames.Root);
        var rotated = await LoadRootAsync(set, cancellationToken).ConfigureAwait(false);
        _options.StepStarted?.Invoke(TufRoleNames.Timestamp);
        await LoadTimestampAsync(set, before, cancellationToken).ConfigureAwait(false);
        _options.StepStarted?.Invoke(TufRoleNames.Snapshot);
        await LoadSnapshotAsync(set, before, cancellationToken).ConfigureAwait(false);
        _options.StepStarted?.Invoke(TufRoleNames.Targets);
        await LoadTargetsAsync(set, TufRoleNames.Targets, TufRoleNames.Root, cancellationToken, before).ConfigureAwait(false);
        _trusted = set;
        _metadata.Write(LastRefreshFileName, System.Text.Encoding.ASCII.GetBytes(now.UtcDateTime.ToString("O", CultureInfo.InvariantCulture)));
        var after = Versions(set);
        return new TufRefreshResult(TufRoleNames.TopLevel.Select(r => new TufRoleChange(r, before.TryGetValue(r, out var b) ? b : null, after.TryGetValue(r, out var a) ? a : null)).ToList(), now)
        {
            TrustedRoots = rotated,
        };
    }

    /// <summary>
    /// The clock's time, refused (<c>TufClockRolledBack</c>) when it is earlier than the last successful refresh: a
    /// clock moved back could make expired metadata look valid. Every refresh checks it; so does a use of the cache
    /// that enforces expiry (<see cref="LoadFromCache"/>), and a caller that enforces expiry itself calls it.
    /// </summary>
    public DateTimeOffset CheckClock()
    {
        var now = _options.Clock.GetUtcNow();
        if (_options.RefuseClockRollback && LastRefresh is { } last && now < last)
            throw new OpsException(OpsErrorCode.TufClockRolledBack,
                $"The clock ({now:yyyy-MM-ddTHH:mm:ssZ}) is earlier than the last successful TUF refresh ({last:yyyy-MM-ddTHH:mm:ssZ}).", _metadata.Directory,
                "Set the clock right (check NTP): expired metadata could look valid to a client whose clock went back.");
        return now;
    }

    /// <summary>
    /// Trusts what the cache holds, with no network: the root, then timestamp, snapshot and targets as far as each
    /// verifies against the one before. <paramref name="ignoreExpiry"/>: for a status view (expiry is then reported
    /// by <see cref="GetTrustedRoles"/>, not enforced); otherwise expired metadata stops the chain, and a clock
    /// earlier than the last refresh is refused (<see cref="CheckClock"/>).
    /// </summary>
    public TrustedMetadataSet LoadFromCache(bool ignoreExpiry = false)
    {
        _gate.Wait();
        try
        {
            var set = NewTrustedSet(ignoreExpiry ? DateTimeOffset.MinValue : CheckClock());
            LoadCachedChain(set);
            _trusted = set;
            return set;
        }
        finally
        {
            _gate.Release();
        }
    }

    /// <summary>The trusted roles (top-level, then delegated ones loaded so far) for a status view.</summary>
    public IReadOnlyList<TufRoleStatus> GetTrustedRoles()
    {
        var set = _trusted ?? throw new OpsException(OpsErrorCode.TufNotInitialized, "Nothing is trusted yet: refresh first.", null, "Call RefreshAsync or LoadFromCache.");
        var root = set.Root.Signed;
        var list = new List<TufRoleStatus> { Status(TufRoleNames.Root, root, root.Roles[TufRoleNames.Root], root.Keys) };
        if (set.Timestamp is { } ts) list.Add(Status(TufRoleNames.Timestamp, ts.Signed, root.Roles[TufRoleNames.Timestamp], root.Keys));
        if (set.Snapshot is { } sn) list.Add(Status(TufRoleNames.Snapshot, sn.Signed, root.Roles[TufRoleNames.Snapshot], root.Keys));
        if (set.Targets is { } tg) list.Add(Status(TufRoleNames.Targets, tg.Signed, root.Roles[TufRoleNames.Targets], root.Keys));
        foreach (var (name, md) in set.TargetsRoles)
        {
            if (name == TufRoleNames.Targets) continue;
            var parent = set.TargetsRoles.Values.Select(p => p.Signed.Delegations).FirstOrDefault(d => d?.FindRole(name) is not null);
            if (parent is not null) list.Add(Status(name, md.Signed, parent.FindRole(name)!, parent.Keys));
        }
        return list;
    }

    private static TufRoleStatus Status(string role, TufSigned signed, TufRoleKeys keys, IReadOnlyDictionary<string, TufKey> all) =>
        new(role, signed.Version, signed.Expires, keys.Threshold,
            keys.KeyIds.Select(id => all.TryGetValue(id, out var k) ? new TufRoleKeyStatus(id, k.KeyType, k.Scheme) : new TufRoleKeyStatus(id, "?", "?")).ToList());

    /// <summary>
    /// The trusted description of <paramref name="targetPath"/>, found by walking the delegations (refreshing first
    /// when nothing was refreshed yet). Throws <c>TufTargetNotFound</c> when no trusted role lists it.
    /// </summary>
    public async Task<TargetFile> GetTargetInfoAsync(string targetPath, CancellationToken cancellationToken = default)
        => await TryGetTargetInfoAsync(targetPath, cancellationToken).ConfigureAwait(false) ?? throw TufErrors.TargetNotFound(targetPath);

    /// <summary>As <see cref="GetTargetInfoAsync"/>, null when no trusted role lists the target.</summary>
    public async Task<TargetFile?> TryGetTargetInfoAsync(string targetPath, CancellationToken cancellationToken = default)
    {
        ArgumentNullException.ThrowIfNull(targetPath);
        if (_trusted is null) await RefreshAsync(cancellationToken).ConfigureAwait(false);
        await _gate.WaitAsync(cancellationToken).ConfigureAwait(false);
        try
        {
            return await WalkAsync(_trusted!, targetPath, cancellationToken).ConfigureAwait(false);
        }
        finally
        {
            _gate.Release();
        }
    }

    /// <summary>The local copy of the target when it exists and has the trusted length and hashes; null otherwise.</summary>
    public Task<string?> FindCachedTargetAsync(TargetFile info, CancellationToken cancellationToken = default)
    {
        var cache = RequireTargetCache();
        var name = TufFileNames.LocalTarget(info.Path);
        byte[]? data;
        try
        {
            data = cache.Exists(name) ? cache.Read(name, info.Length) : null;
        }
        catch (OpsException e) when (e.Code == OpsErrorCode.TufLengthExceeded)
        {
            return Task.FromResult<string?>(null);
        }
        if (data is null) return Task.FromResult<string?>(null);
        try
        {
            TrustedMetadataSet.CheckLengthAndHashes(data, info.Length, info.Hashes, info.Path);
        }
        catch (OpsException)
        {
            return Task.FromResult<string?>(null);
        }
        return Task.FromResult<string?>(cache.PathOf(name));
    }

    /// <summary>Downloads the target (at most its trusted length), checks its hashes, stores it in the target directory; returns the local path.</summary>
    public async Task<string> DownloadTargetAsync(TargetFile info, CancellationToken cancellationToken = default)
    {
        var cache = RequireTargetCache();
        if (info.Path.Split('/').Any(s => s is "." or ".."))
            throw TufErrors.Invalid(info.Path, "a target path with '.' or '..' segments cannot be requested safely (it would leave the targets URL)");
        var baseUrl = WithSlash(_options.TargetBaseUrl ?? throw new InvalidOperationException("TargetBaseUrl is not set."));
        var consistent = _trusted?.Root.Signed.ConsistentSnapshot ?? false;
        var prefix = consistent && _options.PrefixTargetsWithHash ? info.Hashes.Values.First() : null;
        var url = baseUrl + TufFileNames.RemoteTarget(info.Path, prefix);
        var data = await _fetcher.FetchAsync(url, info.Length, cancellationToken).ConfigureAwait(false)
            ?? throw new OpsException(OpsErrorCode.TufFetchFailed, $"The TUF repository has no file for target '{info.Path}' ({url}).", info.Path,
                "The repository lists the target but does not serve it: tell its operators.");
        TrustedMetadataSet.CheckLengthAndHashes(data, info.Length, info.Hashes, info.Path);
        cache.EnsureDirectory();
        var name = TufFileNames.LocalTarget(info.Path);
        cache.Write(name, data);
        return cache.PathOf(name);
    }

    private TufLocalCache RequireTargetCache() => _targets ?? throw new InvalidOperationException("TargetDirectory is not set.");

    private TrustedMetadataSet NewTrustedSet(DateTimeOffset now)
    {
        var file = TufFileNames.Role(TufRoleNames.Root);
        var data = _metadata.Read(file, _options.RootMaxLength)
            ?? throw new OpsException(OpsErrorCode.TufNotInitialized, $"No trusted TUF root in {_metadata.Directory}.", _metadata.Directory,
                "Initialise the client with the repository's root.json (given by its operators, checked out of band).");
        try
        {
            return new TrustedMetadataSet(data, now);
        }
        catch (OpsException e)
        {
            throw new OpsException(OpsErrorCode.TufCacheUntrusted, $"The cached trusted root {_metadata.PathOf(file)} no longer verifies ({e.Message.TrimEnd('.')}): it was changed after it was stored.",
                _metadata.PathOf(file), "Find out who changed it; then initialise the client again with the repository's root.json, checked out of band.");
        }
    }

    private void LoadCachedChain(TrustedMetadataSet set)
    {
        if (!TryLocal(TufRoleNames.Timestamp, _options.TimestampMaxLength, data => set.UpdateTimestamp(data)) || set.Timestamp is null) return;
        if (!TryLocal(TufRoleNames.Snapshot, _options.SnapshotMaxLength, data => set.UpdateSnapshot(data, trusted: true))) return;
        TryLocal(TufRoleNames.Targets, _options.TargetsMaxLength, data => set.UpdateTargets(data));
    }

    private static Dictionary<string, long> Versions(TrustedMetadataSet? set)
    {
        var v = new Dictionary<string, long>(StringComparer.Ordinal);
        if (set is null) return v;
        v[TufRoleNames.Root] = set.Root.Signed.Version;
        if (set.Timestamp is { } t) v[TufRoleNames.Timestamp] = t.Signed.Version;
        if (set.Snapshot is { } s) v[TufRoleNames.Snapshot] = s.Signed.Version;
        if (set.Targets is { } g) v[TufRoleNames.Targets] = g.Signed.Version;
        return v;
    }

    // Spec 5.3: root N+1, N+2, … until the repository has no next version, at most MaxRootRotations. Answers each
    // root's bytes in order: the cache keeps only the last, a caller that hands the chain on (a snapshot) keeps them all.
    private async Task<List<byte[]>> LoadRootAsync(TrustedMetadataSet set, CancellationToken cancellationToken)
    {
        var rotated = new List<byte[]>();
        var lower = set.Root.Signed.Version + 1;
        var upper = lower + _options.MaxRootRotations;
        for (var version = lower; version < upper; version++)
        {
            var data = await _fetcher.FetchAsync(_metadataBaseUrl + TufFileNames.Role(TufRoleNames.Root, version), _options.RootMaxLength, cancellationToken).ConfigureAwait(false);
            if (data is null) break;
            set.UpdateRoot(data);
            _metadata.Write(TufFileNames.Role(TufRoleNames.Root), data);
            rotated.Add(data);
        }
        return rotated;
    }

    private async Task LoadTimestampAsync(TrustedMetadataSet set, Dictionary<string, long> before, CancellationToken cancellationToken)
    {
        TryLocal(TufRoleNames.Timestamp, _options.TimestampMaxLength, data => set.UpdateTimestamp(data));
        if (set.Timestamp is { } local) before[TufRoleNames.Timestamp] = local.Signed.Version;
        var data = await FetchRequiredAsync(TufRoleNames.Timestamp, null, _options.TimestampMaxLength, cancellationToken).ConfigureAwait(false);
        if (!set.UpdateTimestamp(data)) return;
        _metadata.Write(TufFileNames.Role(TufRoleNames.Timestamp), data);
    }

    private async Task LoadSnapshotAsync(TrustedMetadataSet set, Dictionary<string, long> before, CancellationToken cancellationToken)
    {
        // A cached snapshot that is still the one timestamp lists is used as is; an older one still serves for rollback checks.
        var usable = TryLocal(TufRoleNames.Snapshot, _options.SnapshotMaxLength, data => set.UpdateSnapshot(data, trusted: true));
        if (set.Snapshot is { } local) before[TufRoleNames.Snapshot] = local.Signed.Version;
        if (usable) return;
        var meta = set.Timestamp!.Signed.SnapshotMeta;
        var version = set.Root.Signed.ConsistentSnapshot ? meta.Version : (long?)null;
        var data = await FetchRequiredAsync(TufRoleNames.Snapshot, version, meta.Length ?? _options.SnapshotMaxLength, cancellationToken).ConfigureAwait(false);
        set.UpdateSnapshot(data);
        _metadata.Write(TufFileNames.Role(TufRoleNames.Snapshot), data);
    }

    private async Task<TufMetadata<TargetsMetadata>> LoadTargetsAsync(TrustedMetadataSet set, string role, string delegator, CancellationToken cancellationToken,
        Dictionary<string, long>? before = null)
    {
        if (set.TargetsRoles.TryGetValue(role, out var loaded)) return loaded;
        // A cached role is verified against its delegator as trusted now (keys may have changed since it was stored).
        TufMetadata<TargetsMetadata>? local = null;
        if (TryLocal(role, _options.TargetsMaxLength, data => local = set.UpdateDelegatedTargets(data, role, delegator), before))
        {
            if (before is not null) before[role] = local!.Signed.Version;
            return local!;
        }
        var meta = set.Snapshot!.Signed.Meta.GetValueOrDefault(role + ".json") ?? throw TufErrors.RoleNotListed(role + ".json", TufRoleNames.Snapshot);
        var version = set.Root.Signed.ConsistentSnapshot ? meta.Version : (long?)null;
        var data = await FetchRequiredAsync(role, version, meta.Length ?? _options.TargetsMaxLength, cancellationToken).ConfigureAwait(false);
        var trusted = set.UpdateDelegatedTargets(data, role, delegator);
        _metadata.Write(TufFileNames.Role(role), data);
        return trusted;
    }

    // Spec 5.6.7: depth-first pre-order, a role visited once, terminating roles end the search below their delegator.
    private async Task<TargetFile?> WalkAsync(TrustedMetadataSet set, string targetPath, CancellationToken cancellationToken)
    {
        var stack = new Stack<(string Role, string Delegator)>();
        stack.Push((TufRoleNames.Targets, TufRoleNames.Root));
        var visited = new HashSet<string>(StringComparer.Ordinal);
        while (stack.Count > 0)
        {
            if (visited.Count >= _options.MaxDelegations) throw TufErrors.DelegationLimit(targetPath, _options.MaxDelegations);
            var (role, delegator) = stack.Pop();
            if (!visited.Add(role)) continue;
            var targets = await LoadTargetsAsync(set, role, delegator, cancellationToken).ConfigureAwait(false);
            if (targets.Signed.Targets.TryGetValue(targetPath, out var found)) return found;
            if (targets.Signed.Delegations is not { } delegations) continue;
            var children = new List<(string, string)>();
            foreach (var (child, terminating) in delegations.GetRolesForTarget(targetPath))
            {
                children.Add((child, role));
                if (terminating)
                {
                    stack.Clear();
                    break;
                }
            }
            for (var i = children.Count - 1; i >= 0; i--) stack.Push(children[i]);
        }
        return null;
    }

    private async Task<byte[]> FetchRequiredAsync(string role, long? version, long maxLength, CancellationToken cancellationToken)
    {
        var url = _metadataBaseUrl + TufFileNames.Role(role, version);
        return await _fetcher.FetchAsync(url, maxLength, cancellationToken).ConfigureAwait(false)
            ?? throw new OpsException(OpsErrorCode.TufFetchFailed, $"The TUF repository has no {role} metadata at {url}.", role,
                "Check the repository URL; the repository may be incomplete or being updated: retry later.");
    }

    // A cached file is only a candidate: any failure to read or verify it means it is not used (a path that could
    // have been swapped is an error, though: the operator must see it). "before" gets the version of a cached file that
    // was trusted when stored but no longer fits (an older release), for the refresh's before → after.
    private bool TryLocal(string role, long maxLength, Action<byte[]> load, Dictionary<string, long>? before = null)
    {
        byte[]? data;
        try
        {
            data = _metadata.Read(TufFileNames.Role(role), maxLength);
        }
        catch (OpsException e) when (e.Code == OpsErrorCode.TufLengthExceeded)
        {
            return false;
        }
        catch (IOException)
        {
            return false;
        }
        if (data is null) return false;
        try
        {
            load(data);
            return true;
        }
        catch (OpsException)
        {
            if (before is not null)
            {
                try { before[role] = TufMetadata<TargetsMetadata>.FromBytes(data, role).Signed.Version; }
                catch (OpsException) { }
            }
            return false;
        }
    }

    private static string WithSlash(string url) => url.EndsWith('/') ? url : url + "/";

    public void Dispose()
    {
        if (_ownsFetcher && _fetcher is IDisposable d) d.Dispose();
        _gate.Dispose();
    }
}
