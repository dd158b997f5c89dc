using StellaOps.Ops.Attestation.Dsse;
using StellaOps.Ops.Attestation.Tests.Support;
using StellaOps.Ops.Attestation.Verification;
using StellaOps.Ops.Contracts;

namespace StellaOps.Ops.Attestation.Tests;

public class ValidityWindowTests
{
    private static readonly DateTimeOffset Jan = new(2025, 1, 1, 0, 0, 0, TimeSpan.Zero);
    private static readonly DateTimeOffset Jun = new(2025, 6, 1, 0, 0, 0, TimeSpan.Zero);
    private static readonly DateTimeOffset Dec = new(2025, 12, 1, 0, 0, 0, TimeSpan.Zero);

    private static async Task<DsseEnvelope> SignedByOldKey()
    {
        using var signer = TestKeys.Signer(KeyAlgorithm.EcdsaP256);
        return await DsseEnvelopeBuilder.SignAsync(Statements.Sample(), signer);
    }

    [Fact]
    public async Task A_rotated_key_stays_valid_for_what_it_signed_inside_its_window()
    {
        var envelope = await SignedByOldKey();
        // Old key: valid Jan..Jun, rotated out in June. New key: from June on. Verification happens in December.
        var verifier = new DsseVerifier(
            [TestKeys.Trusted(KeyAlgorithm.EcdsaP256, 0, Jan, Jun), TestKeys.Trusted(KeyAlgorithm.EcdsaP256, 1, Jun, null)],
            new DsseVerifierOptions { TimeProvider = new FixedTime(Dec) });

        var signedInMarch = verifier.Verify(envelope, signedAt: new DateTimeOffset(2025, 3, 15, 0, 0, 0, TimeSpan.Zero));
        Assert.True(signedInMarch.Verified, signedInMarch.ToString());
        Assert.Contains("inside the key's window", signedInMarch.Find(VerificationCheckNames.KeyTrustedAtSigningTime)!.Reason);

        // Claimed signing time after the rotation: the old key was no longer trusted then.
        var signedInJuly = verifier.Verify(envelope, signedAt: new DateTimeOffset(2025, 7, 1, 0, 0, 0, TimeSpan.Zero));
        Assert.False(signedInJuly.Verified);
        var check = signedInJuly.Find(VerificationCheckNames.KeyTrustedAtSigningTime)!;
        Assert.Equal(CheckOutcome.Fail, check.Outcome);
        Assert.Contains("after the key's notAfter", check.Reason);
        Assert.Equal(CheckOutcome.Pass, signedInJuly.Find(VerificationCheckNames.SignatureValid)!.Outcome);

        // No signing time known: checked at verification time (December), outside the window.
        var unknownTime = verifier.Verify(envelope);
        Assert.False(unknownTime.Verified);
        Assert.Contains("no signing time given", unknownTime.Find(VerificationCheckNames.KeyTrustedAtSigningTime)!.Reason);
    }

    [Fact]
    public async Task Signing_before_notBefore_fails_and_window_edges_are_inclusive()
    {
        var envelope = await SignedByOldKey();
        var verifier = new DsseVerifier([TestKeys.Trusted(KeyAlgorithm.EcdsaP256, 0, Jun, Dec)]);

        var early = verifier.Verify(envelope, Jan);
        Assert.False(early.Verified);
        Assert.Contains("before the key's notBefore", early.Find(VerificationCheckNames.KeyTrustedAtSigningTime)!.Reason);

        Assert.True(verifier.Verify(envelope, Jun).Verified);
        Assert.True(verifier.Verify(envelope, Dec).Verified);
        Assert.False(verifier.Verify(envelope, Dec.AddTicks(1)).Verified);
    }

    [Fact]
    public async Task A_key_without_a_window_is_trusted_at_any_time()
    {
        var envelope = await SignedByOldKey();
        var report = new DsseVerifier([TestKeys.Trusted(KeyAlgorithm.EcdsaP256)]).Verify(envelope, DateTimeOffset.MinValue);
        Assert.True(report.Verified);
        Assert.Equal("key has no validity window", report.Find(VerificationCheckNames.KeyTrustedAtSigningTime)!.Reason);
    }

    [Fact]
    public void An_inverted_window_is_refused() =>
        Assert.Throws<ArgumentException>(() => TestKeys.Trusted(KeyAlgorithm.EcdsaP256, 0, Dec, Jan));

    private sealed class FixedTime(DateTimeOffset now) : TimeProvider
    {
        public override DateTimeOffset GetUtcNow() => now;
    }
}
