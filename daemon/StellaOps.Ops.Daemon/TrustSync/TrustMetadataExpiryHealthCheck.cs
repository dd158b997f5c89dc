using System.Globalization;
using StellaOps.Ops.Contracts;
using StellaOps.Ops.Contracts.Rpc;
using StellaOps.Ops.Daemon.Doctor;
using StellaOps.Ops.Daemon.Settings;

namespace StellaOps.Ops.Daemon.TrustSync;

/// <summary>
/// check.trust.metadata-expiry: no trusted TUF role has expired (a failure: its material is no longer served, or
/// only under --allow-stale), and none is about to (a warning): root or targets (re-signed offline, by people) within a
/// day; timestamp or snapshot (re-signed online, by the repository's automation, the timestamp usually for a day, as
/// tuf-ceremony's policy signs it) within two refresh intervals (<c>trust.refresh_interval</c>), which the refreshes
/// should have renewed by then. A day for the online roles would warn on every healthy repository. Not configured: a
/// warning naming <c>stella trust init</c>.
/// </summary>
public sealed class TrustMetadataExpiryHealthCheck(TrustSyncStatusReader reader, SettingsService settings, TimeProvider time) : IHealthCheck
{
    public static readonly TimeSpan WarnBefore = TimeSpan.FromDays(1);

    /// <summary>The warning window of the online roles: this many refresh intervals.</summary>
    public const int OnlineWarnRefreshes = 2;

    public string Id => "check.trust.metadata-expiry";
    public string Description => "No trusted TUF role has expired, nor expires soon: root or targets within a day, timestamp or snapshot within two refresh intervals.";

    public Task<DoctorResult> RunAsync(CancellationToken cancellationToken)
    {
        var status = reader.Read();
        var now = time.GetUtcNow();
        var evidence = status.Roles.ToDictionary(r => r.Role, r => $"v{r.Version} expires {r.Expires.ToString("u", CultureInfo.InvariantCulture)}");
        DoctorResult Result(DoctorStatus s, string m, string? fix = null) => new() { Check = Id, Status = s, Message = m, Remediation = fix, Evidence = evidence };
        if (!status.Configured)
            return Task.FromResult(Result(DoctorStatus.Warn, "Trust sync is not configured: there is no TUF metadata to expire.",
                "stella trust init --tuf-url URL with the repository's root (Initialize-StellaTrust -TufUrl URL -Root root.json)."));
        if (status.Source == "file") return Task.FromResult(Result(DoctorStatus.Pass, "Sigstore trust material comes from files, not TUF: no TUF metadata to expire."));
        if (status.Roles.Length == 0)
            return Task.FromResult(Result(DoctorStatus.Fail, "No TUF metadata is trusted yet.", "stella trust sync (or import a snapshot: Import-StellaTrustSnapshot)."));
        if (status.Roles.Where(r => r.Expired).ToList() is { Count: > 0 } expired)
            return Task.FromResult(Result(DoctorStatus.Fail,
                $"Expired TUF metadata: {string.Join(", ", expired.Select(r => $"{r.Role} (expired {r.Expires:u})"))}." + (status.Stale ? " STALE TRUST METADATA IN USE under --allow-stale." : " Its trust material is not served."),
                "Restore the path to the TUF repository and run 'stella trust sync'; as a last resort, temporarily: stella trust sync --allow-stale --max-age 7d"));
        var online = TimeSpan.FromTicks(Duration.Parse(settings.Value("trust.refresh_interval")).Value.Ticks * OnlineWarnRefreshes);
        TimeSpan Window(string role) => role is "timestamp" or "snapshot" ? online : WarnBefore;
        string Describe(TimeSpan w) => w == WarnBefore ? "within a day" : $"within {OnlineWarnRefreshes} refresh intervals ({new Duration(w)})";
        var soonest = status.Roles.MinBy(r => r.Expires)!;
        if (status.Roles.Where(r => r.Expires - now < Window(r.Role)).MinBy(r => r.Expires) is { } close)
            return Task.FromResult(Result(DoctorStatus.Warn,
                $"The TUF {close.Role} metadata expires at {close.Expires:u}, {Describe(Window(close.Role))}, unless a refresh brings a newer one.",
                close.Role is "timestamp" or "snapshot" ? "stella trust sync; if it brings none, the repository is not re-signing its online roles (see its timestamp job, scripts/sign-metadata.sh)" : "stella trust sync"));
        return Task.FromResult(Result(DoctorStatus.Pass, $"No TUF metadata expires before {soonest.Expires:u} ({soonest.Role})."));
    }
}
