using System.Globalization;
using StellaOps.Ops.Contracts.Rpc;
using StellaOps.Ops.Daemon.Doctor;

namespace StellaOps.Ops.Daemon.TrustSync;

/// <summary>
/// check.trust.metadata-freshness: the age of the TUF metadata since the last good refresh (runbook 004: warning over
/// 12 h, failure over 24 h). Never initialised: a warning naming <c>stella trust init</c>, not a failure.
/// </summary>
public sealed class TrustMetadataFreshnessHealthCheck(TrustSyncStatusReader reader) : IHealthCheck
{
    public static readonly TimeSpan WarnAge = TimeSpan.FromHours(12);
    public static readonly TimeSpan FailAge = TimeSpan.FromHours(24);

    public string Id => "check.trust.metadata-freshness";
    public string Description => "The TUF metadata was refreshed within 12 hours (warning) / 24 hours (failure); stale metadata in use is a failure.";

    public Task<DoctorResult> RunAsync(CancellationToken cancellationToken)
    {
        var status = reader.Read();
        DoctorResult Result(DoctorStatus s, string m, string? fix = null) => new()
        {
            Check = Id, Status = s, Message = m, Remediation = fix,
            Evidence = new Dictionary<string, string>
            {
                ["source"] = status.Source,
                ["repository"] = status.RepositoryUrl ?? "",
                ["lastRefresh"] = status.LastRefresh?.ToString("u", CultureInfo.InvariantCulture) ?? "never",
                ["ageHours"] = status.AgeSeconds is { } a ? Math.Round(a / 3600, 1).ToString(CultureInfo.InvariantCulture) : "",
                ["lastOutcome"] = status.LastOutcome,
                ["stale"] = status.Stale ? "true" : "false",
            },
        };
        if (!status.Configured)
            return Task.FromResult(Result(DoctorStatus.Warn, "Trust sync is not configured: no TUF repository delivers Sigstore trust material.",
                "stella trust init --tuf-url URL with the repository's root (Initialize-StellaTrust -TufUrl URL -Root root.json)."));
        if (status.Source == "file")
            return Task.FromResult(status.Serving
                ? Result(DoctorStatus.Pass, $"Sigstore trust material comes from files ({status.Origin}), not TUF.")
                : Result(DoctorStatus.Fail, status.LastError ?? "The Sigstore trust files are not loaded.", "Fix Trust:TrustedRootFile / Trust:SigningConfigFile, then stella attest reload."));
        if (status.Stale)
            return Task.FromResult(Result(DoctorStatus.Fail, "STALE TRUST METADATA IN USE: " + string.Join(" ", status.Warnings),
                "Restore the path to the TUF repository and run 'stella trust sync'."));
        if (status.AgeSeconds is not { } seconds)
            return Task.FromResult(Result(DoctorStatus.Fail, "Trust sync is initialised but has never refreshed successfully.", "stella trust sync (or import a snapshot: Import-StellaTrustSnapshot)."));
        var age = TimeSpan.FromSeconds(seconds);
        var text = $"The TUF metadata from {status.RepositoryUrl} was last refreshed {status.LastRefresh:u} ({Math.Round(age.TotalHours, 1).ToString(CultureInfo.InvariantCulture)} h ago)";
        return Task.FromResult(age > FailAge ? Result(DoctorStatus.Fail, text + ", over 24 h.", "Check the network path to the repository, then stella trust sync.")
            : age > WarnAge ? Result(DoctorStatus.Warn, text + ", over 12 h.", "Check the refresh (stella trust status; trust.refresh_interval), then stella trust sync.")
            : Result(DoctorStatus.Pass, text + "."));
    }
}
