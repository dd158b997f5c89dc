using StellaOps.Ops.Attestation.Sigstore;
using StellaOps.Ops.Attestation.Verification;
using StellaOps.Ops.Daemon.TrustSync;
using StellaOps.Ops.TestSupport.Tuf;

namespace StellaOps.Ops.Daemon.Tests;

/// <summary>
/// The TUF-delivered Sigstore trust source: material is served until the metadata that vouches for it expires (or the
/// --allow-stale grant ends), and Changed is raised when that moment passes, so consumers that keep what they read
/// (the transparency backends, the verifier's mapped trust) drop expired material without polling.
/// </summary>
[System.Runtime.Versioning.UnsupportedOSPlatform("windows")] // shares the public-good root loader of FileSigstoreTrustSourceTests
public sealed class TufSigstoreTrustSourceTests
{
    private static readonly DateTimeOffset Start = new(2026, 6, 1, 12, 0, 0, TimeSpan.Zero);

    private static SigstoreTrust PublicGood() =>
        new(SigstoreTrustedRootParser.Parse(FileSigstoreTrustSourceTests.PublicGoodTrustedRoot()), null, "TUF test", Start);

    [Fact]
    public void Changed_is_raised_when_the_metadata_expires_and_the_material_is_no_longer_served()
    {
        var clock = new ManualClock(Start);
        using var source = new TufSigstoreTrustSource(clock);
        ITrustMaterial material = new SigstoreTrustMaterial(source);
        var changes = new List<bool>();
        source.Changed += (_, _) => changes.Add(source.Current.TrustedRoot is not null);

        Assert.True(source.Publish(PublicGood(), "a", Start.AddHours(1)));
        Assert.Equal([true], changes);
        Assert.NotEmpty(material.TransparencyLogs);

        clock.Advance(TimeSpan.FromMinutes(59));
        Assert.Equal([true], changes);
        clock.Advance(TimeSpan.FromMinutes(2));

        // Raised once, after the expiry, and a reader then sees no material.
        Assert.Equal([true, false], changes);
        Assert.Null(source.Current.TrustedRoot);
        Assert.Empty(material.TransparencyLogs);
        Assert.Equal(0, clock.PendingTimers);
        clock.Advance(TimeSpan.FromDays(3));
        Assert.Equal(2, changes.Count);
    }

    [Fact]
    public void A_newer_publish_replaces_the_expiry_and_the_same_bytes_served_again_after_expiry_are_a_change()
    {
        var clock = new ManualClock(Start);
        using var source = new TufSigstoreTrustSource(clock);
        var changes = 0;
        source.Changed += (_, _) => changes++;
        var trust = PublicGood();

        source.Publish(trust, "a", Start.AddHours(1));
        // A refresh before the expiry extends it: the same bytes are no change, and the old expiry does not fire.
        clock.Advance(TimeSpan.FromMinutes(30));
        Assert.False(source.Publish(trust, "a", Start.AddHours(2)));
        clock.Advance(TimeSpan.FromMinutes(45));
        Assert.Equal(1, changes);
        Assert.NotNull(source.Current.TrustedRoot);

        // Expired at +2 h; served again (an --allow-stale grant) with the same bytes: consumers are told.
        clock.Advance(TimeSpan.FromHours(1));
        Assert.Equal(2, changes);
        Assert.True(source.Publish(trust, "a", Start.AddDays(7)));
        Assert.Equal(3, changes);
        Assert.NotNull(source.Current.TrustedRoot);
        // Expiries further out than one timer can wait (a week) still fire, once, when the time comes.
        clock.Advance(TimeSpan.FromDays(6));
        Assert.Equal(3, changes);
        clock.Advance(TimeSpan.FromDays(1));
        Assert.Equal(4, changes);
        Assert.Null(source.Current.TrustedRoot);
    }
}
