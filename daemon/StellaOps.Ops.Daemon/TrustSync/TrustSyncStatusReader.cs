using Microsoft.Extensions.Options;
using StellaOps.Ops.Attestation.Sigstore;
using StellaOps.Ops.Contracts.Rpc;

namespace StellaOps.Ops.Daemon.TrustSync;

/// <summary>
/// Builds <c>stella trust status</c>: the repository, each role's version and expiry, the last refresh and its
/// outcome, whether stale metadata is served, the endpoints the signing config selects now, and the log keys with
/// fingerprints and windows. Backends and circuits belong to the transparency-log client, which fills them.
/// </summary>
public sealed class TrustSyncStatusReader(TrustSyncService service, ISigstoreTrustSource source, TufSigstoreTrustSource tuf, FileSigstoreTrustSource files,
    IOptions<TrustSyncOptions> options, TimeProvider time)
{
    public TrustSyncStatus Read()
    {
        var now = time.GetUtcNow();
        var trust = source.Current;
        var warnings = new List<string>();
        if (options.Value.UsesFiles)
        {
            if (files.Problem is { } problem) warnings.Add(problem.Message);
            return new TrustSyncStatus
            {
                Source = "file",
                Configured = true,
                Serving = trust.TrustedRoot is not null,
                Origin = trust.Origin,
                LastRefresh = trust.LoadedAt,
                LastOutcome = files.Problem is null ? "success" : "invalid",
                LastError = files.Problem?.Message,
                Warnings = [.. warnings],
                Endpoints = Endpoints(trust.SigningConfig, now, warnings),
                LogKeys = LogKeys(trust.TrustedRoot),
            };
        }
        var repository = service.Repository;
        if (repository is null || !service.IsInitialized)
        {
            return new TrustSyncStatus
            {
                Source = "not configured",
                Origin = SigstoreTrust.NotConfigured.Origin,
                Warnings = ["Trust sync is not configured: run 'stella trust init --tuf-url URL' with the repository's root (Initialize-StellaTrust -Root root.json)."],
            };
        }
        service.RefreshStatusFromCache();
        var roles = service.Roles;
        var stale = service.StaleAllowance is not null && trust.TrustedRoot is not null && roles.Any(r => r.IsExpired(now));
        if (stale) warnings.Add($"STALE TRUST METADATA IN USE: expired TUF metadata is served under --allow-stale (max age {service.StaleAllowance}) until {tuf.ServedUntil:u}.");
        else if (roles.FirstOrDefault(r => r.IsExpired(now)) is { } expired)
            warnings.Add($"The TUF {expired.Role} metadata expired at {expired.Expires:u}; no Sigstore trust material is served until a sync succeeds.");
        if (service.LastOutcome is "unavailable" or "stale" or "invalid" or "write-failed" && service.LastError is { } error) warnings.Add($"The last sync failed ({service.LastOutcome}): {error}");
        var configured = trust.SigningConfig ?? tuf.Published.SigningConfig;
        return new TrustSyncStatus
        {
            Source = "tuf",
            Configured = true,
            RepositoryUrl = repository.TufUrl,
            TargetsUrl = repository.TargetsUrl,
            Roles = [.. roles.Select(r => new TrustRoleStatus { Role = r.Role, Version = r.Version, Expires = r.Expires, Expired = r.IsExpired(now), Threshold = r.Threshold, KeyCount = r.Keys.Count })],
            LastRefresh = service.LastRefresh,
            AgeSeconds = service.LastRefresh is { } last ? Math.Max(0, (now - last).TotalSeconds) : null,
            LastAttempt = service.LastAttempt,
            LastOutcome = service.LastOutcome,
            LastError = service.LastError,
            Stale = stale,
            Serving = trust.TrustedRoot is not null,
            Origin = trust.TrustedRoot is null ? tuf.Published.Origin + " (not served)" : trust.Origin,
            Warnings = [.. warnings],
            Endpoints = Endpoints(configured, now, warnings),
            LogKeys = LogKeys(trust.TrustedRoot ?? tuf.Published.TrustedRoot),
        };
    }

    private static TrustEndpoint[] Endpoints(SigstoreSigningConfig? config, DateTimeOffset now, List<string> warnings)
    {
        if (config is null) return [];
        HashSet<SigningService> Selected(Func<IReadOnlyList<SigningService>> select)
        {
            try
            {
                return [.. select()];
            }
            catch (SigstoreServiceSelectionException e)
            {
                warnings.Add(e.Message);
                return [];
            }
        }
        var versions = TrustSyncService.SupportedApiVersions;
        var tlogs = Selected(() => SigstoreServiceSelection.Select(config.RekorTlogUrls, config.RekorTlogConfig, versions, now, "rekorTlogUrls"));
        var tsas = config.TsaUrls.Count == 0 ? [] : Selected(() => SigstoreServiceSelection.Select(config.TsaUrls, config.TsaConfig, versions, now, "tsaUrls"));
        var cas = config.CaUrls.Count == 0 ? [] : Selected(() => [SigstoreServiceSelection.SelectOne(config.CaUrls, versions, now, "caUrls")]);
        var oidc = config.OidcUrls.Count == 0 ? [] : Selected(() => [SigstoreServiceSelection.SelectOne(config.OidcUrls, versions, now, "oidcUrls")]);
        static IEnumerable<TrustEndpoint> Map(string kind, IReadOnlyList<SigningService> services, HashSet<SigningService> selected) => services.Select(s => new TrustEndpoint
        {
            Kind = kind,
            Url = s.Url.ToString(),
            MajorApiVersion = s.MajorApiVersion,
            Operator = s.Operator,
            ValidFrom = s.ValidFor.Start,
            ValidUntil = s.ValidFor.End,
            Selected = selected.Contains(s),
        });
        return [.. Map("tlog", config.RekorTlogUrls, tlogs), .. Map("tsa", config.TsaUrls, tsas), .. Map("ca", config.CaUrls, cas), .. Map("oidc", config.OidcUrls, oidc)];
    }

    private static TrustLogKey[] LogKeys(SigstoreTrustedRoot? root)
    {
        if (root is null) return [];
        static IEnumerable<TrustLogKey> Map(string kind, IReadOnlyList<TransparencyLogInstance> logs) => logs.Select(l => new TrustLogKey
        {
            Kind = kind,
            BaseUrl = l.BaseUrl.ToString(),
            KeyDetails = l.KeyDetails,
            Fingerprint = TrustMaterialChanges.Fingerprint(l),
            LogId = Convert.ToHexStringLower(l.LogId),
            Operator = l.Operator,
            ValidFrom = l.ValidFor.Start,
            ValidUntil = l.ValidFor.End,
        });
        return [.. Map("tlog", root.TransparencyLogs), .. Map("ctlog", root.CertificateTransparencyLogs)];
    }
}
