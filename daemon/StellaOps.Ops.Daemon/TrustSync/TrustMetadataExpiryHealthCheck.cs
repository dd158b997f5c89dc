using System.Globalization;
using StellaOps.Ops.Contracts.Rpc;
using StellaOps.Ops.Daemon.Doctor;

namespace StellaOps.Ops.Daemon.TrustSync;

/// <summary>
/// check.trust.metadata-expiry: no trusted TUF role has expired (a failure: its material is no longer served, or
/// only under --allow-stale), and none expires within a day (a warning). Not configured: a warning naming
/// <c>stella trust init</c>.
/// </summary>
public sealed class TrustMetadataExpiryHealthCheck(TrustSyncStatusReader reader, TimeProvider time) : IHealthCheck
{
    public static readonly TimeSpan WarnBefore = TimeSpan.FromDays(1);

    public string Id => "check.trust.metadata-expiry";
    public string Description => "No trusted TUF role (root, timestamp, snapshot, targets) has expired or expires within a day.";

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
        var soonest = status.Roles.MinBy(r => r.Expires)!;
        return Task.FromResult(soonest.Expires - now < WarnBefore
            ? Result(DoctorStatus.Warn, $"The TUF {soonest.Role} metadata expires at {soonest.Expires:u}, within a day, unless a refresh brings a newer one.", "stella trust sync")
            : Result(DoctorStatus.Pass, $"No TUF metadata expires before {soonest.Expires:u} ({soonest.Role})."));
    }
}
