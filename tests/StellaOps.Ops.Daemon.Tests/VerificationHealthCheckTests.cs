using System.Security.Cryptography;
using Microsoft.Extensions.Logging.Abstractions;
using StellaOps.Ops.Attestation.Verification;
using StellaOps.Ops.Contracts.Rpc;
using StellaOps.Ops.Daemon.Trust;
using StellaOps.Ops.Daemon.Verification;

namespace StellaOps.Ops.Daemon.Tests;

/// <summary>
/// check.attestor.verification-health's anchor-expiry branches, against the real trust anchor store and the real
/// key alert settings (keys.alerts.expiring_days 30, keys.alerts.expiring_days_critical 7): an expired anchor and one
/// expiring within the critical threshold fail, one within the warning threshold warns, a later one passes.
/// </summary>
public sealed class VerificationHealthCheckTests
{
    private static readonly DateTimeOffset Now = new(2026, 12, 1, 12, 0, 0, TimeSpan.Zero);

    [Theory]
    [InlineData(-1, DoctorStatus.Fail, "Expired: 1 trust anchor(s)")]
    [InlineData(3, DoctorStatus.Fail, "Expiring within 7 day(s): 1 trust anchor(s)")]
    [InlineData(20, DoctorStatus.Warn, "Expiring within 30 days: 1 trust anchor(s)")]
    [InlineData(60, DoctorStatus.Pass, "1 trusted key(s)")]
    public async Task A_key_anchor_ending_in_so_many_days_gives_this_status(int days, DoctorStatus status, string message)
    {
        var (check, anchors, core) = Create();
        using (core)
        {
            using var key = ECDsa.Create(ECCurve.NamedCurves.nistP256);
            var added = anchors.Add(new TrustAnchorRequest { Kind = TrustAnchorKind.Key, Pem = key.ExportSubjectPublicKeyInfoPem(), Expires = Now.AddDays(days) });

            var result = await check.RunAsync(CancellationToken.None);

            Assert.Equal(status, result.Status);
            Assert.Contains(message, result.Message, StringComparison.Ordinal);
            if (status != DoctorStatus.Pass)
            {
                Assert.Contains(added.Id[..16], result.Message, StringComparison.Ordinal);
                Assert.Contains("stella trust-anchors add --cert <issuer-cert.pem>", result.Remediation, StringComparison.Ordinal);
            }
            Assert.Equal("1", result.Evidence["trustAnchors"]);
        }
    }

    [Fact]
    public async Task The_thresholds_are_the_key_alert_settings()
    {
        var (check, anchors, core) = Create();
        using (core)
        {
            core.Settings.Set("keys.alerts.expiring_days_critical", "25", null);
            using var key = ECDsa.Create(ECCurve.NamedCurves.nistP256);
            anchors.Add(new TrustAnchorRequest { Kind = TrustAnchorKind.Key, Pem = key.ExportSubjectPublicKeyInfoPem(), Expires = Now.AddDays(20) });

            var result = await check.RunAsync(CancellationToken.None);

            Assert.Equal(DoctorStatus.Fail, result.Status);
            Assert.Contains("Expiring within 25 day(s)", result.Message, StringComparison.Ordinal);
        }
    }

    /// <summary>The check over the trust anchor store only: the stored attestations and key certificates play no part in it.</summary>
    private static (VerificationHealthCheck, TrustAnchorService, DaemonCore) Create()
    {
        var time = new ManualTime(Now);
        var core = new DaemonCore(time);
        var anchors = new TrustAnchorService(new TrustAnchorStore(core.State), time, NullLogger<TrustAnchorService>.Instance);
        var stats = new VerificationStats(time);
        var verification = new VerificationService(null!, null!, null!, [new TrustAnchorTrustMaterial(anchors)], stats, time, NullLogger<VerificationService>.Instance);
        return (new VerificationHealthCheck(verification, stats, core.Settings, time), anchors, core);
    }
}
