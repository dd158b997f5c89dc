using System.Security.Cryptography;
using Microsoft.Extensions.Logging.Abstractions;
using StellaOps.Ops.Attestation.Dsse;
using StellaOps.Ops.Attestation.InToto;
using StellaOps.Ops.Attestation.Signing;
using StellaOps.Ops.Attestation.Verification;
using StellaOps.Ops.Contracts.Rpc;
using StellaOps.Ops.Daemon.Trust;

namespace StellaOps.Ops.Daemon.Tests;

/// <summary>
/// A key anchor added with -Expires T, as the trust store hands it to a verifier: what the key signed before T
/// verifies, what it signed after T fails as "key not trusted at signing time" (the window on TrustedKey).
/// </summary>
public sealed class TrustAnchorWindowTests
{
    [Fact]
    public async Task A_key_trusted_until_a_date_verifies_what_it_signed_before_and_not_after()
    {
        var t = new DateTimeOffset(2026, 11, 30, 0, 0, 0, TimeSpan.Zero);
        var time = new ManualTime(t.AddDays(2));
        using var core = new DaemonCore(time);
        var anchors = new TrustAnchorService(new TrustAnchorStore(core.State), time, NullLogger<TrustAnchorService>.Instance);
        using var oldKey = ECDsa.Create(ECCurve.NamedCurves.nistP256);
        var added = anchors.Add(new TrustAnchorRequest { Kind = TrustAnchorKind.Key, Pem = oldKey.ExportSubjectPublicKeyInfoPem(), Expires = t });
        Assert.Equal(TrustAnchorStatus.Expired, added.Status);

        ITrustMaterial material = new TrustAnchorTrustMaterial(anchors);
        var trusted = Assert.Single(material.Keys);
        Assert.Equal(added.Id, trusted.KeyId);
        Assert.Equal(t, trusted.NotAfter);

        var keyId = KeyIds.FromSpki(oldKey.ExportSubjectPublicKeyInfo());
        using var signer = SoftwareDsseSigner.FromPkcs8(oldKey.ExportPkcs8PrivateKey(), keyId);
        var statement = InTotoStatement.Create([SubjectFactory.Parse("app@sha256:" + new string('a', 64))], "https://stellaops.invalid/test", new { note = "window" });
        var envelope = await DsseEnvelopeBuilder.SignAsync(statement, signer);
        var verifier = new DsseVerifier(material.Keys);

        Assert.True(verifier.Verify(envelope.ToJson(), t.AddDays(-1)).Verified);
        var after = verifier.Verify(envelope.ToJson(), t.AddSeconds(1));
        Assert.False(after.Verified);
        Assert.Equal(CheckOutcome.Fail, after.Find(VerificationCheckNames.KeyTrustedAtSigningTime, 0)!.Outcome);

        // Removing the anchor leaves nothing to trust.
        anchors.Remove(added.Id);
        Assert.Empty(material.Keys);
    }
}
