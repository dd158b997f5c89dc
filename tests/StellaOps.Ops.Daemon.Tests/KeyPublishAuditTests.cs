using StellaOps.Ops.Contracts.Rpc;
using StellaOps.Ops.Daemon.Keys;
using StellaOps.Ops.Daemon.Observability;
using LogLevel = StellaOps.Ops.Contracts.Rpc.LogLevel;

namespace StellaOps.Ops.Daemon.Tests;

/// <summary>
/// Publishing a public key writes files into the folder verification trusts; files cannot join a transaction, so the
/// audit is an intent: "started" committed before the files change, the outcome after. On the daemon's real key service
/// and audit log over a real SQLite state: the outcome says what was written (or that the folder already held the key),
/// and an intent a crash left open is settled at start against the folder, as applied or not applied.
/// </summary>
public sealed class KeyPublishAuditTests : IDisposable
{
    private readonly DaemonCore _core = new(new ManualTime(DateTimeOffset.UtcNow));

    public void Dispose() => _core.Dispose();

    private LogEvent[] Audit(string filter) => new EventStore(_core.State).Query(new LogQuery { Component = Components.Audit, Filter = filter });

    private Task<KeyInfo> NewKeyAsync() => _core.Keys.GenerateAsync(new KeyGenerationRequest { Provider = KeyProvider.Software, Name = "issuer" }, default);

    [Fact]
    public async Task A_publication_is_started_before_the_files_change_and_completed_with_what_was_written()
    {
        var key = await NewKeyAsync();
        var published = await _core.Keys.PublishAsync(key.Id, default);

        var events = Audit("keys.publish");
        Assert.Equal(2, events.Length);
        var (completed, started) = (events[0], events[1]);
        Assert.Contains($"started: about to write the public key {key.Id} to {published.Path}", started.Message, StringComparison.Ordinal);
        Assert.Contains("succeeded (intent ", completed.Message, StringComparison.Ordinal);
        Assert.Contains($"wrote {published.Path}", completed.Message, StringComparison.Ordinal);
        Assert.Empty(_core.Audit.OpenIntents(KeyPublishIntent.Subject));
        Assert.Equal(_core.Keys.PublicKey(key.Id).Pem, File.ReadAllText(published.Path));

        // Again: the folder already holds the key, and the outcome says nothing changed.
        await _core.Keys.PublishAsync(key.Id, default);
        var again = Audit("keys.publish")[0];
        Assert.Contains("succeeded, nothing changed (intent ", again.Message, StringComparison.Ordinal);
        Assert.Contains("already held this key", again.Message, StringComparison.Ordinal);
    }

    /// <summary>What a publication writes before it touches a file, and then a crash: the intent is left open.</summary>
    private (AuditIntent Intent, KeyPublishIntent Planned) LeaveIntent(KeyInfo key)
    {
        var dir = _core.Keys.IssuerDirectory;
        var planned = KeyPublishIntent.For(key.Id, Path.Combine(dir, key.Id + ".pem"), _core.Keys.PublicKey(key.Id).Pem, Path.Combine(dir, key.Id + ".json"));
        return (_core.Audit.StartIntent(KeyPublishIntent.Subject, "keys.publish", "about to write the public key", planned.ToJson(), () => (false, "")), planned);
    }

    [Fact]
    public async Task An_intent_a_crash_left_open_is_settled_at_start_as_applied_when_the_folder_holds_the_key_and_not_applied_when_not()
    {
        var before = await NewKeyAsync();
        var (notWritten, _) = LeaveIntent(before);
        var after = await NewKeyAsync();
        var (written, planned) = LeaveIntent(after);
        // The second crashed publication got as far as its PEM file.
        Directory.CreateDirectory(Path.GetDirectoryName(planned.PemPath)!);
        File.WriteAllText(planned.PemPath, _core.Keys.PublicKey(after.Id).Pem);
        Assert.Equal(2, _core.Audit.OpenIntents(KeyPublishIntent.Subject).Count);

        _core.Keys.SettleInterrupted();

        Assert.Empty(_core.Audit.OpenIntents(KeyPublishIntent.Subject));
        var notApplied = Assert.Single(Audit($"(intent {notWritten.Id}, started"));
        Assert.Contains("interrupted: not applied", notApplied.Message, StringComparison.Ordinal);
        Assert.Contains($"does not hold the public key {before.Id}", notApplied.Message, StringComparison.Ordinal);
        Assert.Equal(LogLevel.Warning, notApplied.Level);
        var applied = Assert.Single(Audit($"(intent {written.Id}, started"));
        Assert.Contains("interrupted: applied", applied.Message, StringComparison.Ordinal);
        Assert.Contains($"{planned.PemPath} holds the public key {after.Id}", applied.Message, StringComparison.Ordinal);

        // Settled once: the next start finds nothing open and writes nothing more.
        _core.Keys.SettleInterrupted();
        Assert.Single(Audit($"(intent {written.Id}, started"));
    }

    [Fact]
    public void A_pem_file_with_other_content_or_a_symlink_does_not_hold_the_key()
    {
        var dir = Directory.CreateTempSubdirectory("stellaops-publish-").FullName;
        try
        {
            var pem = Path.Combine(dir, "k.pem");
            var planned = KeyPublishIntent.For("k", pem, "-----BEGIN PUBLIC KEY-----\nAAAA\n-----END PUBLIC KEY-----\n", Path.Combine(dir, "k.json"));
            Assert.False(planned.Holds());
            File.WriteAllText(pem, "-----BEGIN PUBLIC KEY-----\nBBBB\n-----END PUBLIC KEY-----\n");
            Assert.False(planned.Holds());
            var real = Path.Combine(dir, "real.pem");
            File.WriteAllText(real, "-----BEGIN PUBLIC KEY-----\nAAAA\n-----END PUBLIC KEY-----\n");
            File.Delete(pem);
            File.CreateSymbolicLink(pem, real);
            Assert.False(planned.Holds());
            File.Delete(pem);
            File.Copy(real, pem);
            Assert.True(planned.Holds());
            Assert.Equal(planned, KeyPublishIntent.FromJson(planned.ToJson()));
            Assert.Null(KeyPublishIntent.FromJson("{\"something\":\"else\"}"));
            Assert.Null(KeyPublishIntent.FromJson("not json"));
        }
        finally
        {
            Directory.Delete(dir, recursive: true);
        }
    }
}
