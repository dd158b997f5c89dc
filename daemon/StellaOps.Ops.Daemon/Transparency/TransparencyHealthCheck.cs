using System.Globalization;
using StellaOps.Ops.Contracts.Rpc;
using StellaOps.Ops.Daemon.Doctor;

namespace StellaOps.Ops.Daemon.Transparency;

/// <summary>
/// check.attestor.transparency-log, with runbook 004's thresholds: a log is configured (else a warning with the
/// command that configures one); circuit-breaker opens in the last hour (over 2 warns, over 5 fails); the
/// submission failure rate over the last hour (over 5 % warns, over 20 % fails); the outbox's depth and the age
/// of its oldest entry (over 15 minutes warns, over 4 hours fails).
/// </summary>
public sealed class TransparencyHealthCheck(TransparencyBackends backends, TransparencyStore store, TransparencyMetrics metrics, TimeProvider time) : IHealthCheck
{
    public const int OpensWarn = 2;
    public const int OpensFail = 5;
    public const double FailureRateWarn = 0.05;
    public const double FailureRateFail = 0.20;
    public static readonly TimeSpan AgeWarn = TimeSpan.FromMinutes(15);
    public static readonly TimeSpan AgeFail = TimeSpan.FromHours(4);
    public const string ConfigureCommand = "stella trust init --tuf-url <url>; stella trust sync (or set Trust:TrustedRootFile and Trust:SigningConfigFile in opsd.json and run stella attest reload)";

    public string Id => "check.attestor.transparency-log";
    public string Description => "A transparency log is configured; circuit-breaker opens (≤ 2/hour), the submission failure rate (≤ 5 %) and the outbox's age are within runbook 004's thresholds.";

    public Task<DoctorResult> RunAsync(CancellationToken cancellationToken)
    {
        var snapshot = backends.Current;
        var (depth, oldest) = store.Outbox();
        var (opens, submitted, failures) = metrics.LastHour();
        var attempts = submitted + failures;
        var rate = attempts == 0 ? 0 : (double)failures / attempts;
        var age = oldest is { } o ? time.GetUtcNow() - o : TimeSpan.Zero;
        var evidence = new Dictionary<string, string>
        {
            ["backends"] = snapshot.Backends.Count == 0 ? "none" : string.Join(", ", snapshot.Backends.Select(b => $"{b.Name} v{b.Service.MajorApiVersion} {b.Resilience.State}")),
            ["circuitOpensLastHour"] = opens.ToString(CultureInfo.InvariantCulture),
            ["submissionsLastHour"] = submitted.ToString(CultureInfo.InvariantCulture),
            ["failuresLastHour"] = failures.ToString(CultureInfo.InvariantCulture),
            ["failureRate"] = rate.ToString("P1", CultureInfo.InvariantCulture),
            ["outboxDepth"] = depth.ToString(CultureInfo.InvariantCulture),
            ["outboxOldestAgeSeconds"] = ((long)age.TotalSeconds).ToString(CultureInfo.InvariantCulture),
        };
        DoctorResult Result(DoctorStatus s, string m, string? fix = null) => new() { Check = Id, Status = s, Message = m, Remediation = fix, Evidence = evidence };
        const string circuits = "See why: stella trust status --show-circuit-breaker; once the log is back: stella trust reset-circuits";

        if (snapshot.Backends.Count == 0)
            return Done(Result(DoctorStatus.Warn, $"No transparency log is configured ({snapshot.Problem}): attestations stay Signed and are not logged.", ConfigureCommand));
        if (opens > OpensFail) return Done(Result(DoctorStatus.Fail, $"{opens} circuit-breaker opens in the last hour (critical over {OpensFail}).", circuits));
        if (rate > FailureRateFail) return Done(Result(DoctorStatus.Fail, $"{failures} of {attempts} submissions failed in the last hour ({rate:P1}, critical over {FailureRateFail:P0}).", circuits));
        if (age > AgeFail) return Done(Result(DoctorStatus.Fail, $"{depth} attestation(s) wait to be logged; the oldest for {age.TotalHours:0.#} h (critical over {AgeFail.TotalHours:0} h).", circuits));
        if (opens > OpensWarn) return Done(Result(DoctorStatus.Warn, $"{opens} circuit-breaker opens in the last hour (warning over {OpensWarn}).", circuits));
        if (rate > FailureRateWarn) return Done(Result(DoctorStatus.Warn, $"{failures} of {attempts} submissions failed in the last hour ({rate:P1}, warning over {FailureRateWarn:P0}).", circuits));
        if (age > AgeWarn) return Done(Result(DoctorStatus.Warn, $"{depth} attestation(s) wait to be logged; the oldest for {age.TotalMinutes:0} min (warning over {AgeWarn.TotalMinutes:0} min).", circuits));
        return Done(Result(DoctorStatus.Pass, $"{snapshot.Backends.Count} log backend(s), {depth} attestation(s) queued, {submitted} logged and {failures} failed in the last hour, {opens} circuit open(s)."));
    }

    private static Task<DoctorResult> Done(DoctorResult result) => Task.FromResult(result);
}
