using StellaOps.Ops.Contracts.Rpc;
using StellaOps.Ops.Daemon.Hsm;
using StellaOps.Ops.Daemon.Observability;

namespace StellaOps.Ops.Daemon.Tests;

/// <summary>
/// A PIN change's audit is an intent ("started" before the token and the PIN file change). One a stop left open is
/// settled at start from the PIN file alone, on a real audit log over a real SQLite state: a staged .new left behind is
/// "outcome unknown" (the token may have either PIN), a PIN file replaced after the start "applied", an untouched one
/// "not applied". (The change itself, on a real SoftHSM2 token, is in the integration tests.)
/// </summary>
public sealed class HsmPinChangeAuditTests : IDisposable
{
    private readonly DaemonCore _core = new(new ManualTime(DateTimeOffset.UtcNow));
    private readonly string _dir = Directory.CreateTempSubdirectory("stellaops-pin-audit-").FullName;

    public void Dispose()
    {
        _core.Dispose();
        Directory.Delete(_dir, recursive: true);
    }

    private LogEvent Settled(AuditIntent intent) => Assert.Single(new EventStore(_core.State).Query(new LogQuery { Component = Components.Audit, Filter = $"(intent {intent.Id}, started" }));

    private (AuditIntent Intent, string PinFile) Leave(string member)
    {
        var pinFile = Path.Combine(_dir, member + ".pin");
        File.WriteAllText(pinFile, "11112222");
        File.SetLastWriteTimeUtc(pinFile, DateTime.UtcNow.AddMinutes(-5));
        var intent = _core.Audit.StartIntent(HsmPinChangeIntent.Subject, "hsm.SetPinAsync", "about to change the user PIN", new HsmPinChangeIntent(member, pinFile).ToJson(), () => (false, ""));
        return (intent, pinFile);
    }

    [Fact]
    public void An_interrupted_PIN_change_is_settled_at_start_as_unknown_applied_or_not_applied_from_the_PIN_file()
    {
        var (unknown, stagedFor) = Leave("primary");
        File.WriteAllText(stagedFor + ".new", "99998888");
        var (applied, replaced) = Leave("backup");
        File.WriteAllText(replaced, "99998888");
        File.SetLastWriteTimeUtc(replaced, DateTime.UtcNow.AddMinutes(1));
        var (notApplied, _) = Leave("third");
        Assert.Equal(3, _core.Audit.OpenIntents(HsmPinChangeIntent.Subject).Count);

        HsmPinChangeIntent.SettleInterrupted(_core.Audit);

        Assert.Empty(_core.Audit.OpenIntents(HsmPinChangeIntent.Subject));
        var u = Settled(unknown);
        Assert.Contains("interrupted: outcome unknown", u.Message, StringComparison.Ordinal);
        Assert.Contains("may have the new PIN or still the one in", u.Message, StringComparison.Ordinal);
        Assert.Contains("interrupted: applied", Settled(applied).Message, StringComparison.Ordinal);
        var n = Settled(notApplied);
        Assert.Contains("interrupted: not applied", n.Message, StringComparison.Ordinal);
        Assert.Contains("keeps the current PIN", n.Message, StringComparison.Ordinal);
        Assert.Equal(LogLevel.Warning, n.Level);
        // Settlement reads the file's name and time only: no PIN appears in the audit.
        foreach (var e in new[] { u, n, Settled(applied) })
        {
            Assert.DoesNotContain("11112222", e.Message, StringComparison.Ordinal);
            Assert.DoesNotContain("99998888", e.Message, StringComparison.Ordinal);
        }

        HsmPinChangeIntent.SettleInterrupted(_core.Audit);
        Settled(unknown);
    }

    [Fact]
    public void An_intent_that_is_not_one_is_settled_as_unknown()
    {
        Assert.Null(HsmPinChangeIntent.FromJson("{\"other\":1}"));
        Assert.Null(HsmPinChangeIntent.FromJson("not json"));
        var odd = _core.Audit.StartIntent(HsmPinChangeIntent.Subject, "hsm.SetPinAsync", "about to change the user PIN", "{}", () => (false, ""));
        HsmPinChangeIntent.SettleInterrupted(_core.Audit);
        Assert.Contains("interrupted: outcome unknown", Settled(odd).Message, StringComparison.Ordinal);
    }
}
