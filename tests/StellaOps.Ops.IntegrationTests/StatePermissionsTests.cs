using StellaOps.Ops.Contracts;
using StellaOps.Ops.Contracts.Rpc;

namespace StellaOps.Ops.IntegrationTests;

/// <summary>
/// Issue 9, item 2: state made in advance by another user (the state directory, a database file, the keys directory
/// or the master key) would hand that user the evidence or every software key. The daemon refuses to start on it,
/// naming the path, the owner and the fix; the storage doctor check and the first use of the master key say the same.
/// </summary>
public sealed class StatePermissionsTests : IDisposable
{
    private readonly SharedDirectory _shared;

    public StatePermissionsTests()
    {
        UnixAccounts.Ensure();
        _shared = new SharedDirectory("stellaops-state-");
    }

    public void Dispose() => _shared.Dispose();

    [Fact]
    public async Task The_daemon_refuses_a_state_directory_and_master_key_another_user_made_in_advance()
    {
        var state = _shared.PathOf("state");
        var keys = Path.Combine(state, "keys");
        // The other user prepares the daemon's state, with a master key they know.
        UnixAccounts.MustRunAs(UnixAccounts.Stranger, "mkdir", "-m", "0700", state);
        UnixAccounts.MustRunAs(UnixAccounts.Stranger, "mkdir", "-m", "0700", keys);
        UnixAccounts.MustRunAs(UnixAccounts.Stranger, "sh", "-c", $"head -c 32 /dev/zero > {keys}/master.key && chmod 600 {keys}/master.key");

        await using var d = new DaemonProcess(settings: new Dictionary<string, string> { ["Daemon:StateDirectory"] = state });
        var output = await d.AssertRefusesToStartAsync();

        Assert.Contains($"{state} is owned by {UnixAccounts.Stranger}", output);
        Assert.Contains("stella-opsd will not use it", output);
        Assert.Contains($"rm -rf -- {state}", output);
        Assert.False(File.Exists(Path.Combine(state, "opsd.db")), "the daemon wrote its database into another user's directory");
    }

    [Fact]
    public async Task The_daemon_refuses_a_database_file_another_user_left_in_its_state_directory()
    {
        // The state directory was open to everyone for a while (then tightened): another user left a -wal file in it.
        var state = _shared.MakeDirectory("state", "0777");
        UnixAccounts.MustRunAs(UnixAccounts.Stranger, "touch", Path.Combine(state, "opsd.db-wal"));
        File.SetUnixFileMode(state, SharedDirectory.Mode("0700"));

        await using var d = new DaemonProcess(settings: new Dictionary<string, string> { ["Daemon:StateDirectory"] = state });
        var output = await d.AssertRefusesToStartAsync();

        Assert.Contains($"{state}/opsd.db-wal is owned by {UnixAccounts.Stranger}", output);
        Assert.False(File.Exists(Path.Combine(state, "opsd.db")));
    }

    [Fact]
    public async Task A_master_key_others_can_read_fails_the_storage_check_the_next_use_and_the_next_start()
    {
        await using var d = new DaemonProcess();
        await d.StartAsync();
        await using (var client = await d.ConnectAsync())
        {
            var pass = await StorageCheckAsync(client);
            Assert.Equal(DoctorStatus.Pass, pass.Status);
            Assert.Equal("ok", pass.Evidence["permissions"]);

            // Someone made the master key before its first use, readable by everyone.
            var keys = Path.Combine(d.StateDirectory, "keys");
            Directory.CreateDirectory(keys);
            var masterKey = Path.Combine(keys, "master.key");
            File.WriteAllBytes(masterKey, new byte[32]);
            File.SetUnixFileMode(masterKey, SharedDirectory.Mode("0644"));

            var fail = await StorageCheckAsync(client);
            Assert.Equal(DoctorStatus.Fail, fail.Status);
            Assert.Contains($"{masterKey} is readable by group or others (mode 0644)", fail.Message);
            Assert.Contains($"chmod 600 {masterKey}", fail.Remediation);

            // The first use says so too, as a typed error, not "internal error".
            var ex = await Assert.ThrowsAsync<OpsException>(() => HandshakeAndSettingsTests.Call(() =>
                client.Keys.GenerateAsync(new KeyGenerationRequest { Provider = KeyProvider.Software }, CancellationToken.None)));
            Assert.Equal(OpsErrorCode.UntrustedPath, ex.Code);
            Assert.Contains($"{masterKey} is readable by group or others", ex.Message);
        }
        await d.StopAsync();

        var output = await d.AssertRefusesToStartAsync();
        Assert.Contains($"{Path.Combine(d.StateDirectory, "keys", "master.key")} is readable by group or others", output);
    }

    private static async Task<DoctorResult> StorageCheckAsync(Contracts.Client.OpsClient client)
        => (await client.Doctor.RunAsync(["check.daemon.storage"], null, CancellationToken.None)).Single();
}
