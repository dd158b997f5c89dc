using Microsoft.Extensions.Configuration;
using Microsoft.Extensions.Logging.Abstractions;
using Microsoft.Extensions.Options;
using StellaOps.Ops.Contracts;
using StellaOps.Ops.Contracts.Rpc;
using StellaOps.Ops.Daemon.Hosting;
using StellaOps.Ops.Daemon.Keys;
using StellaOps.Ops.Daemon.Settings;
using StellaOps.Ops.Daemon.Storage;

namespace StellaOps.Ops.Daemon.Tests;

/// <summary>A year of rotation in seconds: the real key service and SQLite store, with the clock injected.</summary>
public sealed class KeyRotationTimerTests : IDisposable
{
    private readonly ManualTime _time = new(new DateTimeOffset(2026, 1, 1, 0, 0, 0, TimeSpan.Zero));
    private readonly DaemonCore _core;
    private readonly SettingsService _settings;
    private readonly KeyService _keys;
    private readonly KeyRotationService _timer;

    public KeyRotationTimerTests()
    {
        _core = new DaemonCore(_time);
        _settings = _core.Settings;
        _keys = _core.Keys;
        _timer = new KeyRotationService(_keys, _core.KeyStore, _settings, _time, NullLogger<KeyRotationService>.Instance);
    }

    [Fact]
    public async Task Automatic_rotation_replaces_the_key_before_expiry_all_year_with_overlap()
    {
        _settings.Set("keys.rotation.auto", "true", null);
        _settings.Set("keys.rotation.before_expiry", "30d", null);
        _settings.Set("keys.rotation.overlap_days", "14", null);
        var first = await _keys.GenerateAsync(new KeyGenerationRequest { Validity = Duration.Parse("90d"), Provider = KeyProvider.Software, Name = "year" }, default);
        await _keys.ActivateAsync(first.Id, "test", default);

        var rotations = new List<(DateTimeOffset At, KeyRotationResult Result)>();
        for (var day = 0; day <= 365; day++)
        {
            foreach (var r in await _timer.RunOnceAsync(default)) rotations.Add((_time.GetUtcNow(), r));
            var active = _keys.List(new KeyQuery { Status = KeyStatus.Active });
            Assert.Single(active); // never zero, never two
            Assert.True(active[0].ExpiresAt - _time.GetUtcNow() > TimeSpan.FromDays(29), $"day {day}: the active key is too close to expiry");
            _time.Advance(TimeSpan.FromDays(1));
        }

        // 90-day keys replaced 30 days before expiry: every 60 days.
        Assert.Equal([60, 120, 180, 240, 300, 360], rotations.Select(r => (int)(r.At - new DateTimeOffset(2026, 1, 1, 0, 0, 0, TimeSpan.Zero)).TotalDays));
        foreach (var (at, result) in rotations)
        {
            Assert.Equal(at + TimeSpan.FromDays(14), result.Retired.VerifyUntil);
            Assert.Equal(result.Retired.Id, result.Replacement.Replaces);
            Assert.Equal(KeyAlgorithm.EcdsaP256, result.Replacement.Algorithm);
            Assert.Equal(TimeSpan.FromDays(90), result.Replacement.ExpiresAt - result.Replacement.NotBefore);
        }
        var history = _keys.History(null);
        Assert.Equal(6, history.Count(e => e.Event == "rotated"));
        // Each replacement still signs; the retired ones do not.
        var last = rotations[^1].Result;
        Assert.True((await _keys.TestAsync(last.Replacement.Id, default)).Success);
        var refused = await Assert.ThrowsAsync<OpsException>(() => _keys.TestAsync(last.Retired.Id, default));
        Assert.Equal(OpsErrorCode.KeyNotActive, refused.Code);
    }

    [Fact]
    public async Task Expiry_alerts_are_raised_once_at_the_warning_and_critical_thresholds()
    {
        _settings.Set("keys.alerts.expiring_days", "30", null);
        _settings.Set("keys.alerts.expiring_days_critical", "7", null);
        var key = await _keys.GenerateAsync(new KeyGenerationRequest { Validity = Duration.Parse("60d"), Provider = KeyProvider.Software }, default);
        await _keys.ActivateAsync(key.Id, "test", default);
        for (var day = 0; day <= 70; day++)
        {
            await _timer.RunOnceAsync(default);
            _time.Advance(TimeSpan.FromDays(1));
        }
        var events = _keys.History(key.Id);
        var warning = Assert.Single(events, e => e.Event == "alert-warning");
        var critical = Assert.Single(events, e => e.Event == "alert-critical");
        Assert.Equal(30, (int)(key.ExpiresAt - warning.Timestamp).TotalDays);
        Assert.Equal(7, (int)(key.ExpiresAt - critical.Timestamp).TotalDays);
        Assert.DoesNotContain(events, e => e.Event == "rotated"); // auto rotation is off by default
        Assert.Equal(KeyStatus.Expired, _keys.List(new KeyQuery()).Single(k => k.Id == key.Id).Status);
    }

    public void Dispose()
    {
        _core.Dispose();
    }
}
