using System.Net.Sockets;
using StellaOps.Ops.Contracts;
using StellaOps.Ops.Contracts.Unix;

namespace StellaOps.Ops.IntegrationTests;

/// <summary>
/// Issue 9, item 1: another local user gets to the socket's path first (a directory made in advance in a shared
/// place like /tmp, world-writable or a link to their own), or takes the socket's name while the daemon runs.
/// The daemon must not listen there, the client must not talk to anyone but the daemon's user, and the daemon
/// must not remove a socket that is not the one it bound.
/// </summary>
public sealed class SocketHijackTests : IDisposable
{
    private readonly SharedDirectory _shared;

    public SocketHijackTests()
    {
        UnixAccounts.Ensure();
        _shared = new SharedDirectory("stellaops-hijack-");
    }

    public void Dispose() => _shared.Dispose();

    [Fact]
    public async Task The_daemon_refuses_a_socket_directory_another_user_made_world_writable_in_advance()
    {
        var run = _shared.PathOf("run");
        UnixAccounts.MustRunAs(UnixAccounts.Stranger, "mkdir", "-m", "0777", run);

        var output = await StartRefusedAsync(Path.Combine(run, "opsd.sock"));

        Assert.Contains($"{run} is owned by {UnixAccounts.Stranger}", output);
        Assert.Contains("rm -rf -- " + run, output);
        Assert.Empty(Directory.GetFileSystemEntries(run));
    }

    [Fact]
    public async Task The_daemon_refuses_a_socket_directory_that_is_another_users_symbolic_link()
    {
        var theirs = _shared.PathOf("theirs");
        var run = _shared.PathOf("run");
        UnixAccounts.MustRunAs(UnixAccounts.Stranger, "mkdir", "-m", "0755", theirs);
        UnixAccounts.MustRunAs(UnixAccounts.Stranger, "ln", "-s", theirs, run);

        var output = await StartRefusedAsync(Path.Combine(run, "opsd.sock"));

        Assert.Contains($"{run} is a symbolic link (to {theirs})", output);
        Assert.Empty(Directory.GetFileSystemEntries(theirs));
    }

    [Fact]
    public async Task The_daemon_refuses_a_socket_directory_below_a_directory_others_may_write()
    {
        // Not sticky: anyone may rename the daemon's own directory below it and put theirs in its place.
        var open = _shared.MakeDirectory("open", "0777");

        var output = await StartRefusedAsync(Path.Combine(open, "run", "opsd.sock"));

        Assert.Contains($"{open} is writable by group or others (mode 0777)", output);
    }

    [Fact]
    public async Task The_client_sends_nothing_to_a_fake_server_run_by_another_user()
    {
        var probe = ProbeClient.CopyTo(_shared.Root);
        var theirs = _shared.PathOf("theirs");
        UnixAccounts.MustRunAs(UnixAccounts.Stranger, "mkdir", "-m", "0755", theirs);
        var socket = Path.Combine(theirs, "opsd.sock");

        // Root's client (the module in an administrator's session).
        using (var fake = probe.StartFakeServer(UnixAccounts.Stranger, socket))
        {
            var ex = await Assert.ThrowsAsync<OpsException>(() => Contracts.Client.OpsClient.ConnectAsync(socket, "tests", "1", TimeSpan.FromSeconds(10), CancellationToken.None));
            Assert.Equal(OpsErrorCode.UntrustedPeer, ex.Code);
            Assert.Contains($"runs as {UnixAccounts.Stranger}", ex.Message);
            Assert.Contains("nothing was sent", ex.Message);
            Assert.Contains("STELLAOPS_DAEMON_USER", ex.RecommendedAction);
            Assert.Equal(0, fake.Received().GetProperty("received").GetInt32());
        }

        // Another user's client, the same.
        using (var fake = probe.StartFakeServer(UnixAccounts.Stranger, socket))
        {
            var hello = probe.Run(UnixAccounts.Reader, [socket, "handshake"]);
            Assert.Equal("UntrustedPeer", hello.GetProperty("code").GetString());
            Assert.Equal(0, fake.Received().GetProperty("received").GetInt32());
        }

        // Named as the daemon's user on purpose, the same server is talked to: the check is what kept the bytes back.
        using (var fake = probe.StartFakeServer(UnixAccounts.Stranger, socket))
        {
            probe.Run(UnixAccounts.Reader, [socket, "handshake"], new Dictionary<string, string> { ["STELLAOPS_DAEMON_USER"] = UnixAccounts.Stranger });
            var received = fake.Received();
            Assert.True(received.GetProperty("received").GetInt32() > 0);
            Assert.Contains("Handshake", received.GetProperty("text").GetString());
        }
    }

    [Fact]
    public async Task At_shutdown_the_daemon_leaves_a_socket_it_did_not_create()
    {
        await using var daemon = new DaemonProcess();
        await daemon.StartAsync();
        File.Move(daemon.Endpoint, daemon.Endpoint + ".moved");
        using var replacement = new Socket(AddressFamily.Unix, SocketType.Stream, ProtocolType.Unspecified);
        replacement.Bind(new UnixDomainSocketEndPoint(daemon.Endpoint));
        var before = UnixFileStatus.Of(daemon.Endpoint)!.Value;

        Assert.Equal(0, await daemon.StopAsync());

        var after = UnixFileStatus.Of(daemon.Endpoint);
        Assert.NotNull(after);
        Assert.True(after.Value.IsSameObject(before), "the daemon removed a socket that was not its own");
        Assert.Contains("is no longer the socket this daemon created", daemon.Output);
    }

    /// <summary>Starts a daemon (own private state) whose socket is <paramref name="endpoint"/>; it must exit non-zero. Returns its output.</summary>
    private static async Task<string> StartRefusedAsync(string endpoint)
    {
        await using var daemon = new DaemonProcess(settings: new Dictionary<string, string> { ["Ipc:Endpoint"] = endpoint });
        var output = await daemon.AssertRefusesToStartAsync(endpoint);
        Assert.Contains("stella-opsd will not listen there", output);
        return output;
    }
}
