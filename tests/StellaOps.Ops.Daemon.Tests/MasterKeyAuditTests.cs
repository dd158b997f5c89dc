using StellaOps.Ops.Contracts;
using StellaOps.Ops.Contracts.Rpc;
using StellaOps.Ops.Daemon.Hosting;
using StellaOps.Ops.Daemon.Keys;
using StellaOps.Ops.Daemon.Observability;
using StellaOps.Ops.Daemon.Storage;
using LogLevel = StellaOps.Ops.Contracts.Rpc.LogLevel;

namespace StellaOps.Ops.Daemon.Tests;

/// <summary>
/// The master key is a file, made by the first software key: its creation is an audit intent of its own ("started"
/// committed before the file is written, the outcome after), while the key generation that needed it keeps its own
/// record, in the transaction of the key's row. A creation a crash interrupted is settled at start; unsealing never
/// makes a new master key. On the daemon's real key service and audit log over a real SQLite state.
/// </summary>
public sealed class MasterKeyAuditTests : IDisposable
{
    private static readonly CallerIdentity Operator = new() { UserName = "alice", UserId = 1001, ProcessId = 42, Role = CallerRole.Operator };
    private readonly DaemonCore _core = new(new ManualTime(DateTimeOffset.UtcNow));

    public void Dispose() => _core.Dispose();

    private LogEvent[] Audit(string filter) => new EventStore(_core.State).Query(new LogQuery { Component = Components.Audit, Filter = filter });

    private Task<KeyInfo> NewKeyAsync(string name) => _core.Keys.GenerateAsync(new KeyGenerationRequest { Provider = KeyProvider.Software, Name = name }, default);

    [Fact]
    public async Task The_first_software_key_creates_the_master_key_under_an_intent_of_its_own_and_the_generation_keeps_its_record()
    {
        Assert.False(File.Exists(_core.Vault.MasterKeyPath));
        var call = _core.Audit.Begin(Operator, "keys.GenerateAsync", "name=\"release\"");
        var previous = TransactionParticipant.Current;
        TransactionParticipant.Current = call;
        KeyInfo key;
        try { key = await NewKeyAsync("release"); }
        finally { TransactionParticipant.Current = previous; }
        call.Complete(succeeded: true);

        var master = Audit(SoftwareKeyVault.CreateAction);
        Assert.Equal(2, master.Length);
        var (completed, started) = (master[0], master[1]);
        Assert.Equal($"{SoftwareKeyVault.CreateAction} by alice (uid 1001, pid 42, Operator) started: during keys.GenerateAsync: about to create the master key {_core.Vault.MasterKeyPath}, which seals the software keys", started.Message);
        Assert.StartsWith($"{SoftwareKeyVault.CreateAction} by alice (uid 1001, pid 42, Operator) succeeded (intent ", completed.Message, StringComparison.Ordinal);
        Assert.Contains($"created {_core.Vault.MasterKeyPath}", completed.Message, StringComparison.Ordinal);
        Assert.True(started.Id < completed.Id);
        Assert.Empty(_core.Audit.OpenIntents(MasterKeyIntent.Subject));

        // The generation's own record is one, written with the key's row: not carried by the master key's intent.
        var generation = Assert.Single(Audit("keys.GenerateAsync by alice"));
        Assert.Equal("keys.GenerateAsync by alice (uid 1001, pid 42, Operator) succeeded: name=\"release\"", generation.Message);
        Assert.True(completed.Id < generation.Id);

        Assert.True(new MasterKeyIntent(_core.Vault.MasterKeyPath).Holds());
        Assert.False(File.Exists(new MasterKeyIntent(_core.Vault.MasterKeyPath).StagingPath));
        if (!OperatingSystem.IsWindows())
            Assert.Equal(UnixFileMode.UserRead | UnixFileMode.UserWrite, File.GetUnixFileMode(_core.Vault.MasterKeyPath));

        // The next key uses it: no second creation.
        await NewKeyAsync("second");
        Assert.Equal(2, Audit(SoftwareKeyVault.CreateAction).Length);
        Assert.NotEqual(key.Id, (await NewKeyAsync("third")).Id);
    }

    [Fact]
    public async Task A_missing_master_key_is_not_made_anew_by_unsealing_and_the_error_says_to_restore_it()
    {
        var key = await NewKeyAsync("release");
        var sealedKey = _core.KeyStore.Find(key.Id)!.SealedPrivateKey!;
        var master = File.ReadAllBytes(_core.Vault.MasterKeyPath);
        // The vault of a new process (nothing cached), after the master key was lost.
        File.Delete(_core.Vault.MasterKeyPath);
        var restarted = new SoftwareKeyVault(_core.Paths, _core.Audit);

        var refused = Assert.Throws<OpsException>(() => restarted.Unseal(key.Id, sealedKey));
        Assert.Equal(OpsErrorCode.MasterKeyMissing, refused.Code);
        Assert.Contains(_core.Vault.MasterKeyPath, refused.Message, StringComparison.Ordinal);
        Assert.Contains($"software key {key.Id} cannot be unsealed", refused.Message, StringComparison.Ordinal);
        Assert.Contains("from the backup", refused.RecommendedAction, StringComparison.Ordinal);
        Assert.False(File.Exists(_core.Vault.MasterKeyPath));
        Assert.Single(Audit(SoftwareKeyVault.CreateAction + " by daemon started"));

        // The storage check says so, naming the file, and what to do.
        var check = await new StorageHealthCheck(_core.State, new StatePermissions(_core.Paths)).RunAsync(default);
        Assert.Equal(DoctorStatus.Fail, check.Status);
        Assert.Equal($"1 software key(s) are sealed under the master key {_core.Vault.MasterKeyPath}, which is missing: they cannot sign.", check.Message);
        Assert.Contains("from the backup", check.Remediation, StringComparison.Ordinal);

        // Restored from backup, the key unseals again, and the check passes.
        File.WriteAllBytes(_core.Vault.MasterKeyPath, master);
        if (!OperatingSystem.IsWindows()) File.SetUnixFileMode(_core.Vault.MasterKeyPath, UnixFileMode.UserRead | UnixFileMode.UserWrite);
        Assert.Equal(DoctorStatus.Pass, (await new StorageHealthCheck(_core.State, new StatePermissions(_core.Paths)).RunAsync(default)).Status);
        var pkcs8 = restarted.Unseal(key.Id, sealedKey);
        Assert.NotEmpty(pkcs8);
        System.Security.Cryptography.CryptographicOperations.ZeroMemory(pkcs8);
    }

    [Fact]
    public void A_creation_a_crash_interrupted_is_settled_at_start_as_applied_or_not_and_a_staged_key_is_removed()
    {
        var planned = new MasterKeyIntent(_core.Vault.MasterKeyPath);
        // Crashed before the key was linked into place: the intent is open and a staged key is left.
        var notLinked = _core.Audit.StartIntent(MasterKeyIntent.Subject, SoftwareKeyVault.CreateAction, "about to create the master key", planned.ToJson(), () => (false, ""), ownRecord: true);
        Directory.CreateDirectory(Path.GetDirectoryName(planned.Path)!);
        File.WriteAllBytes(planned.StagingPath, new byte[MasterKeyIntent.KeyLength]);

        _core.Keys.SettleInterrupted();

        var notApplied = Assert.Single(Audit($"(intent {notLinked.Id}, started"));
        Assert.Contains("interrupted: not applied", notApplied.Message, StringComparison.Ordinal);
        Assert.Contains($"{planned.Path} does not exist; the next software key creates it", notApplied.Message, StringComparison.Ordinal);
        Assert.Equal(LogLevel.Warning, notApplied.Level);
        Assert.False(File.Exists(planned.StagingPath));
        Assert.Empty(_core.Audit.OpenIntents(MasterKeyIntent.Subject));

        // Crashed after the link, before the outcome: applied.
        var linked = _core.Audit.StartIntent(MasterKeyIntent.Subject, SoftwareKeyVault.CreateAction, "about to create the master key", planned.ToJson(), () => (false, ""), ownRecord: true);
        File.WriteAllBytes(planned.Path, new byte[MasterKeyIntent.KeyLength]);
        _core.Keys.SettleInterrupted();
        var applied = Assert.Single(Audit($"(intent {linked.Id}, started"));
        Assert.Contains("interrupted: applied", applied.Message, StringComparison.Ordinal);
        Assert.Contains($"{planned.Path} holds a master key", applied.Message, StringComparison.Ordinal);

        // Settled once.
        _core.Keys.SettleInterrupted();
        Assert.Single(Audit($"(intent {linked.Id}, started"));
    }

    [Fact]
    public void Only_a_regular_file_of_the_key_length_holds_a_master_key()
    {
        var dir = Directory.CreateTempSubdirectory("stellaops-master-").FullName;
        try
        {
            var planned = new MasterKeyIntent(Path.Combine(dir, "master.key"));
            Assert.False(planned.Holds());
            File.WriteAllBytes(planned.Path, new byte[MasterKeyIntent.KeyLength - 1]);
            Assert.False(planned.Holds());
            var real = Path.Combine(dir, "real.key");
            File.WriteAllBytes(real, new byte[MasterKeyIntent.KeyLength]);
            File.Delete(planned.Path);
            File.CreateSymbolicLink(planned.Path, real);
            Assert.False(planned.Holds());
            File.Delete(planned.Path);
            File.Copy(real, planned.Path);
            Assert.True(planned.Holds());
            Assert.Equal(planned, MasterKeyIntent.FromJson(planned.ToJson()));
            Assert.Null(MasterKeyIntent.FromJson("{\"something\":\"else\"}"));
            Assert.Null(MasterKeyIntent.FromJson("not json"));
        }
        finally
        {
            Directory.Delete(dir, recursive: true);
        }
    }
}
