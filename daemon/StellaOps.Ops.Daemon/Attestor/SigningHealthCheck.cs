using System.Globalization;
using StellaOps.Ops.Contracts;
using StellaOps.Ops.Contracts.Rpc;
using StellaOps.Ops.Daemon.Doctor;

namespace StellaOps.Ops.Daemon.Attestor;

/// <summary>
/// check.attestor.signing-health: a usable signing key, a test signature that signs and verifies, and a signing
/// failure rate over the last hour under seed 004's "Submission failures" thresholds (warning &gt; 5 %, critical &gt; 20 %).
/// </summary>
public sealed class SigningHealthCheck(SigningProbe probe, AttestationStore store, TimeProvider time) : IHealthCheck
{
    public const double WarnRate = 0.05;
    public const double CriticalRate = 0.20;
    public static readonly TimeSpan Window = TimeSpan.FromHours(1);

    public string Id => "check.attestor.signing-health";
    public string Description => "The attestor has a valid signing key, a test signature works, and under 5 % of signings failed in the last hour.";

    public async Task<DoctorResult> RunAsync(CancellationToken cancellationToken)
    {
        var test = await probe.RunAsync(cancellationToken).ConfigureAwait(false);
        var (ok, failed) = store.AttemptsSince(time.GetUtcNow() - Window);
        var attempts = ok + failed;
        var rate = attempts == 0 ? 0 : (double)failed / attempts;
        var evidence = new Dictionary<string, string>
        {
            ["signingMode"] = test.SigningMode,
            ["keyId"] = test.KeyId ?? "",
            ["testSignature"] = test.Success ? "ok" : test.Steps.LastOrDefault(s => !s.Success)?.Name ?? "failed",
            ["window"] = "1h",
            ["attempts"] = attempts.ToString(CultureInfo.InvariantCulture),
            ["failures"] = failed.ToString(CultureInfo.InvariantCulture),
            ["failureRate"] = rate.ToString("0.####", CultureInfo.InvariantCulture),
            ["failedAttestations"] = store.CountByStatus()[AttestationStatus.Failed].ToString(CultureInfo.InvariantCulture),
        };
        DoctorResult Result(DoctorStatus s, string m, string? fix = null) => new() { Check = Id, Status = s, Message = m, Remediation = fix, Evidence = evidence };

        if (!test.Success)
        {
            var step = test.Steps.Last(s => !s.Success);
            return Result(DoctorStatus.Fail, $"Test signing failed at '{step.Name}': {step.Message}",
                (test.Error?.RecommendedAction is { Length: > 0 } a ? a.TrimEnd('.') + ". " : "")
                + $"If the HSM is down: {SigningAdvice.SoftwareModeCommands}; then '{SigningAdvice.RetryCommand}'.");
        }
        var share = $"{failed} of {attempts} signing attempts failed in the last hour ({rate:P1})";
        if (rate > CriticalRate)
            return Result(DoctorStatus.Fail, $"{share}, above the critical threshold of 20 %.", $"Find the cause with 'stella attest logs --level error --last 1h'; once fixed, '{SigningAdvice.RetryCommand}'.");
        if (rate > WarnRate)
            return Result(DoctorStatus.Warn, $"{share}, above the warning threshold of 5 %.", $"See 'stella attest logs --level error --last 1h', then '{SigningAdvice.RetryCommand}'.");
        return Result(DoctorStatus.Pass, $"Signing works with {test.Algorithm?.ToName()} key {test.KeyId} ({test.SigningMode} mode); {share}.");
    }
}
