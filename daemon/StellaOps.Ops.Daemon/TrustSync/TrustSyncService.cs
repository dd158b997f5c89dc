using System.Diagnostics.Metrics;
using System.Globalization;
using System.Security.Cryptography;
using Microsoft.Extensions.Logging;
using StellaOps.Ops.Attestation.Sigstore;
using StellaOps.Ops.Contracts;
using StellaOps.Ops.Contracts.Rpc;
using StellaOps.Ops.Daemon.Ipc;
using StellaOps.Ops.Daemon.Observability;
using StellaOps.Ops.Daemon.Settings;
using StellaOps.Ops.Daemon.Storage;
using StellaOps.Ops.Tuf;
using StellaOps.Ops.Tuf.Snapshots;

namespace StellaOps.Ops.Daemon.TrustSync;

/// <summary>
/// The daemon's TUF client (shared/StellaOps.Ops.Tuf's <see cref="TufUpdater"/>) and what it delivers: init, sync,
/// status, snapshot export and import. A good refresh publishes the verified <c>trusted_root.json</c> and
/// <c>signing_config.v0.2.json</c> through <see cref="TufSigstoreTrustSource"/>. When the repository cannot give fresh
/// metadata, the last good metadata keeps serving until it expires; after that only with <c>AllowStale</c> and
/// only while its age since the last good refresh is within <c>MaxAge</c>, and status, doctor and the result say so.
/// That grant is the setting <c>trust.stale_max_age</c> (written in the same transaction as the sync's audit record),
/// so it survives a restart and the cache is served under it at start; a good refresh or an import ends it.
/// One operation at a time.
/// </summary>
public sealed class TrustSyncService : IDisposable
{
    public const string TrustedRootTarget = "trusted_root.json";
    public const string SigningConfigTarget = "signing_config.v0.2.json";
    public const string MeterName = "StellaOps.Ops.TrustSync";
    public const string RefreshesMetric = "attestor_tuf_refreshes_total";
    public const string AgeMetric = "attestor_tuf_metadata_age_seconds";
    public const string ExpiryMetric = "attestor_tuf_metadata_expiry_seconds";

    /// <summary>The subject of the audit intents of trust changes (init, sync, import), settled at start by <see cref="SettleInterrupted"/>.</summary>
    public const string IntentSubject = "trust-sync";

    /// <summary>The audit action of an <c>--allow-stale</c> grant the refresh timer ends on its own.</summary>
    public const string StaleAllowanceAction = "tuf.stale_allowance";

    /// <summary>The setting that holds the <c>--allow-stale</c> grant's max age (0s: none).</summary>
    public const string StaleMaxAgeSetting = "trust.stale_max_age";

    /// <summary>The signing-config API versions the daemon's clients speak (Rekor v1 and v2, TSA, Fulcio, OIDC v1).</summary>
    public static readonly int[] SupportedApiVersions = [1, 2];

    private static readonly string[] Targets = [TrustedRootTarget, SigningConfigTarget, Attestation.Verification.SigningKeysDocument.TargetName];

    private readonly TrustSyncPaths _paths;
    private readonly TufSigstoreTrustSource _source;
    private readonly TimeProvider _time;
    private readonly ILogger<TrustSyncService> _log;
    private readonly SettingsService _settings;
    private readonly AuditLog _audit;
    private readonly SemaphoreSlim _gate = new(1, 1);
    private readonly Meter _meter = new(MeterName);
    private readonly Counter<long> _refreshes;
    private IReadOnlyList<TufRoleStatus> _roles = [];
    private DateTimeOffset? _lastRefresh;

    public TrustSyncService(TrustSyncPaths paths, TufSigstoreTrustSource source, SettingsService settings, AuditLog audit, TimeProvider time, ILogger<TrustSyncService> log)
    {
        _paths = paths;
        _source = source;
        _settings = settings;
        _audit = audit;
        _time = time;
        _log = log;
        _refreshes = _meter.CreateCounter<long>(RefreshesMetric, description: "TUF refreshes (timer, sync, init, import) by outcome: success, unavailable, stale, invalid.");
        _meter.CreateObservableGauge(AgeMetric, () => _lastRefresh is { } last ? new[] { new Measurement<double>((_time.GetUtcNow() - last).TotalSeconds) } : [],
            unit: "s", description: "Seconds since the last good TUF refresh.");
        _meter.CreateObservableGauge(ExpiryMetric, () => _roles.Select(r => new Measurement<double>((r.Expires - _time.GetUtcNow()).TotalSeconds, new KeyValuePair<string, object?>("role", r.Role))),
            unit: "s", description: "Seconds until each trusted TUF role's metadata expires (negative: expired).");
    }

    /// <summary>The max age granted by the last accepted <c>--allow-stale</c> (the setting <see cref="StaleMaxAgeSetting"/>); null when none is in effect.</summary>
    public Duration? StaleAllowance
    {
        get
        {
            var max = Duration.Parse(_settings.Value(StaleMaxAgeSetting));
            return max.Value > TimeSpan.Zero ? max : null;
        }
    }

    public DateTimeOffset? LastAttempt { get; private set; }
    public string LastOutcome { get; private set; } = "";
    public string? LastError { get; private set; }

    public TrustRepository? Repository => _paths.ReadRepository();

    public bool IsInitialized => Repository is not null && File.Exists(Path.Combine(_paths.Metadata, TufFileNames.Role(TufRoleNames.Root)));

    /// <summary>At start: serve what the cache holds, with no network, if it is still valid.</summary>
    public async Task LoadAtStartAsync(CancellationToken cancellationToken)
    {
        if (Repository is not { } repository) return;
        await _gate.WaitAsync(cancellationToken).ConfigureAwait(false);
        try
        {
            try
            {
                await ServeFromCacheAsync(repository, allowExpired: false, cancellationToken).ConfigureAwait(false);
            }
            catch (OpsException e) when (e.Code == OpsErrorCode.TrustMetadataStale && StaleAllowance is { } max)
            {
                // An --allow-stale grant from before the restart still holds, within its age.
                var lastGood = ReadLastRefresh(repository);
                if (!await TryServeStaleAsync(repository, lastGood, max, cancellationToken).ConfigureAwait(false)) throw;
                _log.LogWarning("STALE TRUST METADATA IN USE: the expired TUF metadata (last good refresh {LastGood:u}) is served under the --allow-stale grant (max age {MaxAge}) until {Until:u}.",
                    lastGood, max, lastGood!.Value + max.Value);
            }
        }
        catch (OpsException e)
        {
            _log.LogWarning("The cached TUF metadata is not served: {Message}", e.Message);
        }
        finally
        {
            _gate.Release();
        }
    }

    /// <param name="progress">Where each step of the first refresh is reported as it starts (the caller's Write-Progress), as a sync reports them; null: nobody listens.</param>
    public async Task<TrustSyncResult> InitAsync(TrustInitRequest request, IProgress<OperationProgress>? progress, CancellationToken cancellationToken)
    {
        var tufUrl = CheckUrl(request.TufUrl, "--tuf-url");
        var targetsUrl = string.IsNullOrWhiteSpace(request.TargetsUrl) ? TrustRepository.DefaultTargetsUrl(tufUrl) : CheckUrl(request.TargetsUrl, "--targets-url");
        var repository = new TrustRepository(tufUrl, targetsUrl);
        await _gate.WaitAsync(cancellationToken).ConfigureAwait(false);
        try
        {
            if (IsInitialized)
            {
                var current = Repository!;
                if (!request.Force)
                    throw new OpsException(OpsErrorCode.TrustAlreadyInitialized, $"Trust sync is already initialised with {current.TufUrl}.", current.TufUrl,
                        "To move to another repository or mirror keeping the trusted root: stella trust init --tuf-url URL --force. To fetch news: stella trust sync.");
                if (request.Root is not null || request.RootSha256 is not null)
                    throw new OpsException(OpsErrorCode.InvalidArgument, "An initialised client keeps its trusted root: --force moves it to another repository, which must verify against that root.",
                        null, "Leave out -Root/-RootSha256; a root rotation reaches the client through the repository (or a snapshot with --force).");
                return await ChangeAsync("tuf.InitAsync", $"intends: a move from {current.TufUrl} to {repository.TufUrl} keeping the trusted root, once a refresh from it verifies", async () =>
                {
                    // The mirror must verify against the root already trusted: refresh from it before it replaces the old URL.
                    var moved = await RefreshAsync(repository, force: true, allowStale: false, maxAge: null, new TrustSyncProgress(progress), cancellationToken).ConfigureAwait(false);
                    _paths.WriteRepository(repository);
                    _log.LogInformation("Trust sync moved from {Old} to {New}", current.TufUrl, repository.TufUrl);
                    return moved;
                }).ConfigureAwait(false);
            }
            var root = request.Root ?? (request.RootSha256 is { } pinned ? await FetchPinnedRootAsync(tufUrl, pinned, cancellationToken).ConfigureAwait(false)
                : throw new OpsException(OpsErrorCode.InvalidArgument, "A first init needs the repository's root: a root.json file or its SHA-256.", null,
                    "stella trust init --tuf-url URL with Initialize-StellaTrust -Root root.json (or -RootSha256 HEX); get root.json from the repository's operators, out of band."));
            if (request.RootSha256 is { } hash && !Convert.ToHexStringLower(SHA256.HashData(root)).Equals(hash.Trim(), StringComparison.OrdinalIgnoreCase))
                throw new OpsException(OpsErrorCode.TrustMetadataInvalid, $"The root given has SHA-256 {Convert.ToHexStringLower(SHA256.HashData(root))}, not the pinned {hash}.", null,
                    "Check which root.json you were given; pin the hash of exactly that file.");
            var rootVersion = TrustCacheState.VersionOf(root) is { } rv ? $"root v{rv}" : "a root";
            return await ChangeAsync("tuf.InitAsync", $"intends: trust {rootVersion} (SHA-256 {Convert.ToHexStringLower(SHA256.HashData(root))}) of {tufUrl}, then a first refresh", async () =>
            {
                _paths.EnsureDirectory(_paths.Directory);
                try
                {
                    TufUpdater.Initialize(_paths.Metadata, root, _paths.PathTrust, overwrite: true);
                }
                catch (OpsException e) when (e.Code is not (OpsErrorCode.UntrustedPath or OpsErrorCode.TufCacheUntrusted or OpsErrorCode.TrustCacheWriteFailed))
                {
                    throw new OpsException(OpsErrorCode.TrustMetadataInvalid, $"The root is refused: {e.Message}", null, "Use the repository's root.json exactly as its operators published it.");
                }
                _paths.WriteRepository(repository);
                KeepRootHistory();
                _log.LogInformation("Trust sync initialised with {Url}", tufUrl);
                try
                {
                    return await RefreshAsync(repository, force: false, allowStale: false, maxAge: null, new TrustSyncProgress(progress), cancellationToken).ConfigureAwait(false);
                }
                catch (OpsException e) when (e.Code is OpsErrorCode.TrustRepositoryUnavailable or OpsErrorCode.TrustMetadataStale)
                {
                    // Air-gapped: the root is trusted and the repository recorded; a snapshot import (or a later sync) brings the rest.
                    (TransactionParticipant.Current as AuditIntent)?.Note($"the first refresh failed ({e.Code}): the root is trusted, the rest comes with a sync or a snapshot import");
                    return new TrustSyncResult
                    {
                        RepositoryUrl = tufUrl,
                        CompletedAt = _time.GetUtcNow(),
                        Warnings = [$"Initialised, but the first sync failed: {e.Message} Run 'stella trust sync' when the repository is reachable, or import a snapshot (Import-StellaTrustSnapshot)."],
                    };
                }
            }).ConfigureAwait(false);
        }
        finally
        {
            _gate.Release();
        }
    }

    /// <param name="progress">Where each step is reported as it starts (the caller's Write-Progress); null: nobody listens.</param>
    public Task<TrustSyncResult> SyncAsync(TrustSyncRequest request, IProgress<OperationProgress>? progress, CancellationToken cancellationToken)
        => RunSyncAsync(request, progress, audited: true, cancellationToken);

    /// <summary>The timer's refresh: as a plain sync (an <c>--allow-stale</c> grant in effect is kept), not a call: no audit intent (a grant it ends is audited).</summary>
    public Task<TrustSyncResult> TimerSyncAsync(CancellationToken cancellationToken) => RunSyncAsync(new TrustSyncRequest(), null, audited: false, cancellationToken);

    private async Task<TrustSyncResult> RunSyncAsync(TrustSyncRequest request, IProgress<OperationProgress>? progress, bool audited, CancellationToken cancellationToken)
    {
        if (request.AllowStale && request.MaxAge is null)
            throw new OpsException(OpsErrorCode.InvalidArgument, "--allow-stale needs --max-age: how old the last good metadata may be.", null, "stella trust sync --allow-stale --max-age 7d");
        var repository = Repository ?? throw NotConfigured();
        await _gate.WaitAsync(cancellationToken).ConfigureAwait(false);
        try
        {
            // A sync without --allow-stale keeps the grant in effect; one with it replaces the grant (or, refused, ends it).
            var maxAge = request.AllowStale ? request.MaxAge : StaleAllowance;
            Task<TrustSyncResult> Refresh() => RefreshAsync(repository, request.Force, maxAge is not null, maxAge, new TrustSyncProgress(progress), cancellationToken);
            if (!audited) return await Refresh().ConfigureAwait(false);
            var intends = $"intends: a refresh from {repository.TufUrl}{(request.Force ? ", every target fetched again" : "")}" +
                          $"{(maxAge is { } m ? $", expired metadata served up to {m} after the last good refresh if the repository gives none" : "")} (the new versions are known once verified)";
            return await ChangeAsync("tuf.SyncAsync", intends, Refresh).ConfigureAwait(false);
        }
        finally
        {
            _gate.Release();
        }
    }

    private async Task<TrustSyncResult> RefreshAsync(TrustRepository repository, bool force, bool allowStale, Duration? maxAge, TrustSyncProgress progress, CancellationToken cancellationToken)
    {
        var before = _source.Published;
        LastAttempt = _time.GetUtcNow();
        using var updater = NewUpdater(repository, progress: progress);
        TufRefreshResult refresh;
        try
        {
            refresh = await updater.RefreshAsync(cancellationToken).ConfigureAwait(false);
        }
        catch (OpsException e) when (e.Code is OpsErrorCode.TufFetchFailed or OpsErrorCode.TufTimeout or OpsErrorCode.TufExpired)
        {
            return await OfflineAsync(repository, e, allowStale, maxAge, cancellationToken).ConfigureAwait(false);
        }
        catch (OpsException e)
        {
            Record(FailedOutcome(e), e.Message);
            throw;
        }
        var (trust, fingerprint, expires) = await MaterialAsync(updater, repository, force, stale: false, cancellationToken, progress).ConfigureAwait(false);
        _source.Publish(trust, fingerprint, expires);
        EndStaleAllowance("a refresh succeeded");
        KeepRootHistory(refresh.TrustedRoots);
        Record("success", null);
        return new TrustSyncResult
        {
            RepositoryUrl = repository.TufUrl,
            Roles = [.. refresh.Roles.Select(r => new TrustRoleVersion { Role = r.Role, Before = r.VersionBefore, After = r.VersionAfter })],
            MaterialChanges = TrustMaterialChanges.Between(before, trust),
            CompletedAt = refresh.RefreshedAt,
        };
    }

    /// <summary>
    /// A failure that is not the repository's: the cache could not be written here (permissions, immutable, disk).
    /// Saying "invalid" would send the admin to the repository; "write-failed" sends them to this machine's cache.
    /// </summary>
    private static string FailedOutcome(OpsException e) => e.Code == OpsErrorCode.TrustCacheWriteFailed ? "write-failed" : "invalid";

    private async Task<TrustSyncResult> OfflineAsync(TrustRepository repository, OpsException cause, bool allowStale, Duration? maxAge, CancellationToken cancellationToken)
    {
        var now = _time.GetUtcNow();
        var lastGood = _lastRefresh ?? ReadLastRefresh(repository);
        try
        {
            var expires = await ServeFromCacheAsync(repository, allowExpired: false, cancellationToken).ConfigureAwait(false);
            Record("unavailable", cause.Message);
            throw new OpsException(OpsErrorCode.TrustRepositoryUnavailable,
                $"The TUF repository {repository.TufUrl} gave no fresh metadata ({cause.Message.TrimEnd('.')}). The last good metadata (refreshed {lastGood:u}) is still served until it expires at {expires:u}.",
                repository.TufUrl, "Check the network path to the repository (or use a mirror: stella trust init --tuf-url MIRROR --force); the daemon retries with backoff.");
        }
        catch (OpsException e) when (e.Code is not OpsErrorCode.TrustRepositoryUnavailable)
        {
            // Expired (or nothing usable cached): stale only on request, and only inside the allowed age.
        }
        var age = lastGood is { } t ? now - t : TimeSpan.MaxValue;
        if (allowStale && maxAge is { } max && await TryServeStaleAsync(repository, lastGood, max, cancellationToken).ConfigureAwait(false))
        {
            GrantStale(max);
            Record("stale", cause.Message);
            var warning = $"STALE TRUST METADATA IN USE: the TUF metadata has expired and the repository {repository.TufUrl} gave no fresh metadata ({cause.Message.TrimEnd('.')}); " +
                          $"the last good metadata (refreshed {lastGood:u}, {Math.Floor(age.TotalHours)} h ago) is served under --allow-stale until {lastGood!.Value + max.Value:u}. Restore the repository and run 'stella trust sync'.";
            _log.LogWarning("{Warning}", warning);
            return new TrustSyncResult { RepositoryUrl = repository.TufUrl, CompletedAt = now, Stale = true, Warnings = [warning], Roles = [.. _roles.Select(r => new TrustRoleVersion { Role = r.Role, Before = r.Version, After = r.Version })] };
        }
        _source.Withdraw();
        EndStaleAllowance(lastGood is null ? "there was no good refresh" : $"the last good refresh ({lastGood:u}) is older than the grant allows");
        Record("stale", cause.Message);
        throw new OpsException(OpsErrorCode.TrustMetadataStale,
            $"The last good TUF metadata has expired and the repository {repository.TufUrl} gave no fresh metadata ({cause.Message.TrimEnd('.')}); " +
            (lastGood is null ? "there was no good refresh yet." : $"the last good refresh was {lastGood:u} ({Math.Floor(age.TotalHours)} h ago)") +
            (allowStale && maxAge is { } m ? $", older than --max-age {m}." : ". No Sigstore trust material is served."),
            repository.TufUrl, "Restore the path to the repository and run 'stella trust sync'; as a last resort, temporarily: stella trust sync --allow-stale --max-age 7d");
    }

    /// <summary>Serves the expired cache until <paramref name="lastGood"/> + <paramref name="max"/>, when that is still ahead; false otherwise.</summary>
    private async Task<bool> TryServeStaleAsync(TrustRepository repository, DateTimeOffset? lastGood, Duration max, CancellationToken cancellationToken)
    {
        if (lastGood is not { } last || _time.GetUtcNow() - last > max.Value) return false;
        await ServeFromCacheAsync(repository, allowExpired: true, cancellationToken, servedUntil: last + max.Value).ConfigureAwait(false);
        return true;
    }

    // The grant is a setting so it survives a restart; inside an RPC its write carries that call's audit record.
    private void GrantStale(Duration max)
    {
        if (StaleAllowance == max) return;
        (TransactionParticipant.Current as AuditIntent)?.Note($"the --allow-stale grant set: {StaleMaxAgeSetting} = {max}");
        _settings.Set(StaleMaxAgeSetting, max.ToString(), CallerContext.Current);
    }

    /// <summary>Ends an <c>--allow-stale</c> grant made here (one set in opsd.json or the environment is the administrator's standing policy and stays).</summary>
    private void EndStaleAllowance(string why)
    {
        if (StaleAllowance is not { } max || _settings.Get(StaleMaxAgeSetting)[0].Source != SettingSource.Runtime) return;
        var ended = $"the --allow-stale grant (max age {max}) ended: {why}";
        if (TransactionParticipant.Current is AuditIntent intent)
        {
            // A call's change: the reset's transaction carries this note of its audit.
            intent.Note(ended);
            _settings.Reset(StaleMaxAgeSetting, CallerContext.Current);
        }
        else if (TransactionParticipant.Current is null)
        {
            // The refresh timer's own ending: the daemon's audit record, committed in the reset's transaction.
            var record = _audit.BeginDaemon(StaleAllowanceAction, ended);
            TransactionParticipant.Current = record;
            try
            {
                _settings.Reset(StaleMaxAgeSetting, null);
                record.Complete(succeeded: true);
            }
            catch (Exception e)
            {
                record.Complete(succeeded: false, AuditLog.ErrorId(e));
                throw;
            }
            finally
            {
                TransactionParticipant.Current = null;
            }
        }
        else
        {
            _settings.Reset(StaleMaxAgeSetting, CallerContext.Current);
        }
        _log.LogInformation("The --allow-stale grant (max age {MaxAge}) ended: {Why}", max, why);
    }

    /// <summary>Publishes the cached targets as verified by the cached metadata; answers until when they are served.</summary>
    private async Task<DateTimeOffset> ServeFromCacheAsync(TrustRepository repository, bool allowExpired, CancellationToken cancellationToken, DateTimeOffset? servedUntil = null)
    {
        using var updater = NewUpdater(repository, offline: true);
        var set = updater.LoadFromCache(ignoreExpiry: true);
        _roles = updater.GetTrustedRoles();
        _lastRefresh = updater.LastRefresh;
        if (set.Targets is null) throw new OpsException(OpsErrorCode.TrustNotConfigured, "The TUF cache holds no complete metadata yet.", _paths.Metadata, "Run 'stella trust sync'.");
        // Expiry is judged on this clock: one earlier than the last good refresh is refused, as a refresh refuses it.
        var now = updater.CheckClock();
        if (!allowExpired && _roles.FirstOrDefault(r => r.IsExpired(now)) is { } expired)
            throw new OpsException(OpsErrorCode.TrustMetadataStale, $"The cached {expired.Role} metadata expired at {expired.Expires:u}.", expired.Role, "Run 'stella trust sync'.");
        var (trust, fingerprint, expires) = await MaterialAsync(updater, repository, force: false, stale: allowExpired, cancellationToken).ConfigureAwait(false);
        _source.Publish(trust, fingerprint, servedUntil ?? expires);
        return expires;
    }

    private async Task<(SigstoreTrust Trust, string Fingerprint, DateTimeOffset Expires)> MaterialAsync(
        TufUpdater updater, TrustRepository repository, bool force, bool stale, CancellationToken cancellationToken, TrustSyncProgress? progress = null)
    {
        progress ??= TrustSyncProgress.None;
        _roles = updater.GetTrustedRoles();
        _lastRefresh = updater.LastRefresh;
        var rootInfo = await updater.TryGetTargetInfoAsync(TrustedRootTarget, cancellationToken).ConfigureAwait(false)
            ?? throw new OpsException(OpsErrorCode.TrustMetadataInvalid, $"The TUF repository {repository.TufUrl} lists no {TrustedRootTarget} target.", TrustedRootTarget,
                "Point trust sync at a Sigstore TUF repository (it publishes trusted_root.json).");
        var rootBytes = await TargetAsync(updater, rootInfo, force, progress, cancellationToken).ConfigureAwait(false);
        var trustedRoot = Parse(rootBytes, TrustedRootTarget, SigstoreTrustedRootParser.Parse);
        SigstoreSigningConfig? config = null;
        var fingerprint = Convert.ToHexStringLower(SHA256.HashData(rootBytes));
        if (await updater.TryGetTargetInfoAsync(SigningConfigTarget, cancellationToken).ConfigureAwait(false) is { } configInfo)
        {
            var configBytes = await TargetAsync(updater, configInfo, force, progress, cancellationToken).ConfigureAwait(false);
            config = Parse(configBytes, SigningConfigTarget, SigstoreSigningConfigParser.Parse);
            fingerprint += "." + Convert.ToHexStringLower(SHA256.HashData(configBytes));
        }
        var (signingKeys, keysFingerprint) = await TufSigningKeys.ReadAsync(updater, info => TargetAsync(updater, info, force, progress, cancellationToken), repository.TufUrl, cancellationToken).ConfigureAwait(false);
        if (keysFingerprint.Length > 0) fingerprint += ".keys." + keysFingerprint;
        var versions = string.Join(", ", _roles.Where(r => TufRoleNames.TopLevel.Contains(r.Role)).Select(r => $"{r.Role} v{r.Version}"));
        var origin = $"TUF {repository.TufUrl} ({versions}){(stale ? " STALE" : "")}";
        var expires = _roles.Count == 0 ? DateTimeOffset.MaxValue : _roles.Min(r => r.Expires);
        return (new SigstoreTrust(trustedRoot, config, origin, _time.GetUtcNow()) { SigningKeys = signingKeys }, fingerprint, expires);
    }

    private static async Task<byte[]> TargetAsync(TufUpdater updater, TargetFile info, bool force, TrustSyncProgress progress, CancellationToken cancellationToken)
    {
        progress.Target(info.Path, cachedAllowed: !force);
        var path = force ? null : await updater.FindCachedTargetAsync(info, cancellationToken).ConfigureAwait(false);
        path ??= await updater.DownloadTargetAsync(info, cancellationToken).ConfigureAwait(false);
        return await File.ReadAllBytesAsync(path, cancellationToken).ConfigureAwait(false);
    }

    private static T Parse<T>(byte[] bytes, string target, SigstoreDocument.Parser<T> parse)
        => SigstoreDocument.Parse(bytes, parse, $"The verified target {target} is not a valid Sigstore document", target,
            "The repository signed a document this daemon cannot read: tell the repository's operators.");

    public async Task<TrustSnapshotFiles> ExportAsync(bool includeRoot, CancellationToken cancellationToken)
    {
        var repository = Repository ?? throw NotConfigured();
        await _gate.WaitAsync(cancellationToken).ConfigureAwait(false);
        try
        {
            using var updater = NewUpdater(repository, offline: true);
            var set = updater.LoadFromCache(ignoreExpiry: true);
            if (set.Targets is null) throw new OpsException(OpsErrorCode.TrustNotConfigured, "The TUF cache holds no complete metadata to export.", _paths.Metadata, "Run 'stella trust sync' first.");
            var files = new Dictionary<string, byte[]>(StringComparer.Ordinal);
            var rootVersion = set.Root.Signed.Version;
            if (Directory.Exists(_paths.Roots))
            {
                foreach (var file in Directory.EnumerateFiles(_paths.Roots, "*.root.json"))
                    files["metadata/" + Path.GetFileName(file)] = await File.ReadAllBytesAsync(file, cancellationToken).ConfigureAwait(false);
            }
            var rootBytes = await File.ReadAllBytesAsync(Path.Combine(_paths.Metadata, TufFileNames.Role(TufRoleNames.Root)), cancellationToken).ConfigureAwait(false);
            files["metadata/" + TufFileNames.Role(TufRoleNames.Root, rootVersion)] = rootBytes;
            if (includeRoot) files["metadata/" + TufFileNames.Role(TufRoleNames.Root)] = rootBytes;
            files["metadata/" + TufFileNames.Role(TufRoleNames.Timestamp)] = Cached(TufRoleNames.Timestamp);
            foreach (var (role, version) in new[] { (TufRoleNames.Snapshot, set.Snapshot!.Signed.Version) }
                         .Concat(set.TargetsRoles.Select(r => (r.Key, r.Value.Signed.Version))))
            {
                var bytes = Cached(role);
                files["metadata/" + TufFileNames.Role(role)] = bytes;
                files["metadata/" + TufFileNames.Role(role, version)] = bytes;
            }
            foreach (var target in Targets)
            {
                if (await updater.TryGetTargetInfoAsync(target, cancellationToken).ConfigureAwait(false) is not { } info) continue;
                var path = await updater.FindCachedTargetAsync(info, cancellationToken).ConfigureAwait(false)
                    ?? throw new OpsException(OpsErrorCode.TrustNotConfigured, $"The target {target} is not cached.", target, "Run 'stella trust sync' first.");
                var data = await File.ReadAllBytesAsync(path, cancellationToken).ConfigureAwait(false);
                files["targets/" + TufFileNames.Escape(target)] = data;
                foreach (var hash in info.Hashes.Values) files["targets/" + hash + "." + TufFileNames.Escape(target)] = data;
            }
            return new TrustSnapshotFiles { Files = files };
        }
        finally
        {
            _gate.Release();
        }

        byte[] Cached(string role) => File.ReadAllBytes(Path.Combine(_paths.Metadata, TufFileNames.Role(role)));
    }

    public async Task<TrustSyncResult> ImportAsync(TrustSnapshotFiles snapshot, bool force, CancellationToken cancellationToken)
    {
        var repository = Repository ?? throw NotConfigured();
        var files = TrustSnapshotBundle.Check(snapshot.Files);
        await _gate.WaitAsync(cancellationToken).ConfigureAwait(false);
        try
        {
            var intends = $"intends: the import of a snapshot holding {TrustCacheState.DescribeVersions(files)}{(force ? ", a root change allowed (--force)" : "")}";
            return await ChangeAsync("tuf.ImportSnapshotAsync", intends, async () =>
            {
                var before = _source.Published;
                LastAttempt = _time.GetUtcNow();
                TufRefreshResult result;
                try
                {
                    result = await TrustSnapshotImporter.ImportAsync(files, _paths.Metadata, _paths.Targets, Targets, force, _paths.PathTrust, _time, cancellationToken).ConfigureAwait(false);
                }
                catch (OpsException e)
                {
                    Record(FailedOutcome(e), e.Message);
                    throw;
                }
                KeepRootHistory(result.TrustedRoots);
                await ServeFromCacheAsync(repository, allowExpired: false, cancellationToken).ConfigureAwait(false);
                EndStaleAllowance("a snapshot was imported");
                Record("success", null);
                return new TrustSyncResult
                {
                    RepositoryUrl = repository.TufUrl,
                    Roles = [.. result.Roles.Select(r => new TrustRoleVersion { Role = r.Role, Before = r.VersionBefore, After = r.VersionAfter })],
                    MaterialChanges = TrustMaterialChanges.Between(before, _source.Published),
                    CompletedAt = result.RefreshedAt,
                };
            }).ConfigureAwait(false);
        }
        finally
        {
            _gate.Release();
        }
    }

    /// <summary>
    /// Runs a change of the trust cache (files, which cannot join a transaction) under an audit intent: before anything
    /// changes, the audit event "started" with what is about to change and the cache's state as it is (one
    /// transaction); after, the outcome with what changed (one transaction): succeeded, nothing changed, or failed with
    /// the error id. A crash between the two leaves the intent open for <see cref="SettleInterrupted"/> at start.
    /// </summary>
    private async Task<TrustSyncResult> ChangeAsync(string action, string intends, Func<Task<TrustSyncResult>> change)
    {
        var before = TrustCacheState.Read(_paths);
        var intent = _audit.StartIntent(IntentSubject, action, $"about to change the TUF cache {_paths.Directory} ({before.Describe()}); {intends}", before.ToJson(),
            () => before.ChangesTo(TrustCacheState.Read(_paths)));
        return await intent.RunAsync(change).ConfigureAwait(false);
    }

    /// <summary>
    /// At start, before anything else touches the cache: completes every trust change a crash interrupted between its
    /// intent and its outcome, as "interrupted: applied" (the cache is not as the intent found it: what differs) or
    /// "interrupted: not applied" (every file as it was). Nothing of this process is open yet.
    /// </summary>
    public void SettleInterrupted()
    {
        // Read (and hash) the cache once, and only when there is something to settle: nothing changes it while the daemon starts.
        TrustCacheState? now = null;
        _audit.SettleInterrupted(IntentSubject, "Trust change", "what the cache holds", open =>
        {
            now ??= TrustCacheState.Read(_paths);
            var before = TrustCacheState.FromJson(open.Intent);
            if (before is null)
                return (true, $"what the cache held before is not readable from the intent, so the change is taken as applied; the cache now holds {now.Describe()}");
            if (before.SameAs(now))
                return (false, $"every file of the TUF cache is as it was ({now.Describe()})");
            var (_, what) = before.ChangesTo(now);
            return (true, $"the TUF cache changed: {what}; it now holds {now.Describe()}");
        });
    }

    /// <summary>The roles as the cache holds them (for status), or none.</summary>
    public IReadOnlyList<TufRoleStatus> Roles => _roles;

    public DateTimeOffset? LastRefresh => _lastRefresh;

    /// <summary>Reads the cache again for status (verified, expiry reported, not enforced).</summary>
    public void RefreshStatusFromCache()
    {
        if (Repository is not { } repository) return;
        try
        {
            using var updater = NewUpdater(repository, offline: true);
            updater.LoadFromCache(ignoreExpiry: true);
            _roles = updater.GetTrustedRoles();
            _lastRefresh = updater.LastRefresh;
        }
        catch (OpsException e)
        {
            LastError ??= e.Message;
        }
    }

    private DateTimeOffset? ReadLastRefresh(TrustRepository repository)
    {
        using var updater = NewUpdater(repository, offline: true);
        return updater.LastRefresh;
    }

    /// <summary>
    /// Keeps a copy of every root version trusted (the current one and <paramref name="rotated"/>, each root a refresh
    /// or import stepped through), so a snapshot carries the whole rotation chain to a client with an older root.
    /// </summary>
    private void KeepRootHistory(IReadOnlyList<byte[]>? rotated = null)
    {
        var current = Path.Combine(_paths.Metadata, TufFileNames.Role(TufRoleNames.Root));
        foreach (var bytes in (rotated ?? []).Append(File.Exists(current) ? File.ReadAllBytes(current) : null))
        {
            if (bytes is null) continue;
            var version = TufMetadata<RootMetadata>.FromBytes(bytes, TufRoleNames.Root).Signed.Version;
            var copy = Path.Combine(_paths.Roots, TufFileNames.Role(TufRoleNames.Root, version));
            if (File.Exists(copy)) continue;
            _paths.EnsureDirectory(_paths.Roots);
            _paths.WriteAtomically(copy, bytes);
        }
    }

    private async Task<byte[]> FetchPinnedRootAsync(string tufUrl, string sha256, CancellationToken cancellationToken)
    {
        using var fetcher = new HttpTufFetcher();
        foreach (var name in new[] { TufFileNames.Role(TufRoleNames.Root), TufFileNames.Role(TufRoleNames.Root, 1) })
        {
            byte[]? data;
            try
            {
                data = await fetcher.FetchAsync(tufUrl + name, 512_000, cancellationToken).ConfigureAwait(false);
            }
            catch (OpsException e) when (e.Code is OpsErrorCode.TufFetchFailed or OpsErrorCode.TufTimeout)
            {
                throw new OpsException(OpsErrorCode.TrustRepositoryUnavailable, $"The root pinned by hash could not be fetched from {tufUrl}: {e.Message}", tufUrl,
                    "Check the URL and the network path, or give the root as a file (-Root root.json).");
            }
            if (data is not null && Convert.ToHexStringLower(SHA256.HashData(data)).Equals(sha256.Trim(), StringComparison.OrdinalIgnoreCase)) return data;
        }
        throw new OpsException(OpsErrorCode.TrustMetadataInvalid, $"Neither root.json nor 1.root.json at {tufUrl} has the pinned SHA-256 {sha256}.", tufUrl,
            "Check the pinned hash with the repository's operators, or give the root as a file (-Root root.json).");
    }

    private TufUpdater NewUpdater(TrustRepository repository, bool offline = false, TrustSyncProgress? progress = null)
    {
        _paths.EnsureDirectory(_paths.Directory);
        return new TufUpdater(new TufUpdaterOptions
        {
            MetadataDirectory = _paths.Metadata,
            MetadataBaseUrl = repository.TufUrl,
            TargetBaseUrl = repository.TargetsUrl,
            TargetDirectory = _paths.Targets,
            Clock = _time,
            PathTrust = _paths.PathTrust,
            // Offline reads must never reach the network: a fetcher that has nothing.
            Fetcher = offline ? new FileSystemTufFetcher() : null,
            StepStarted = progress is null ? null : progress.Step,
        });
    }

    private void Record(string outcome, string? error)
    {
        LastOutcome = outcome;
        LastError = error;
        _refreshes.Add(1, new KeyValuePair<string, object?>("outcome", outcome));
    }

    private static string CheckUrl(string? url, string flag)
    {
        if (string.IsNullOrWhiteSpace(url) || !Uri.TryCreate(url.Trim(), UriKind.Absolute, out var uri) || uri.Scheme is not ("https" or "http" or "file"))
            throw new OpsException(OpsErrorCode.InvalidArgument, $"{flag} '{url}' is not an http(s) URL.", url, "Give the repository's metadata URL, e.g. https://tuf-repo-cdn.sigstore.dev/");
        var text = uri.AbsoluteUri;
        return text.EndsWith('/') ? text : text + "/";
    }

    private static OpsException NotConfigured() =>
        new(OpsErrorCode.TrustNotConfigured, "Trust sync is not initialised on this daemon.", null,
            "Initialise it with the repository's root: stella trust init --tuf-url URL (Initialize-StellaTrust -TufUrl URL -Root root.json).");

    public void Dispose()
    {
        _meter.Dispose();
        _gate.Dispose();
    }
}
