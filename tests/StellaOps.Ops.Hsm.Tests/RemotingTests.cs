using System.Diagnostics;
using System.Text;
using StellaOps.Ops.Contracts;
using StellaOps.Ops.TestSupport;
using Xunit.Abstractions;

namespace StellaOps.Ops.Hsm.Tests;

/// <summary>A real lost connection: the token sits behind a p11-kit server that is killed or stopped.</summary>
public sealed class RemotingTests(ITestOutputHelper output)
{
    private static readonly byte[] Message = Encoding.UTF8.GetBytes("remote payload");

    [Fact]
    public async Task Killed_server_fails_fast_goes_down_and_recovers_by_itself_after_restart()
    {
        using var token = SoftHsmToken.Create();
        using var server = P11KitServer.Start(token);
        await using var hsm = new HsmConnection(TestEnvironment.Remote(server));
        var transitions = new List<HsmStateTransition<HsmConnectionState>>();
        hsm.StateChanged += (_, e) => { lock (transitions) { transitions.Add(e.Transition); } };
        await hsm.ConnectAsync();
        foreach (var m in await hsm.GetMechanismsAsync())
        {
            output.WriteLine($"via p11-kit: {m}");
        }

        // Measured: p11-kit 0.24.1's RPC does not carry CKM_EC_EDWARDS_KEY_PAIR_GEN/CKM_EDDSA (CKR_MECHANISM_INVALID).
        var ed = await Assert.ThrowsAsync<HsmException>(() => hsm.GenerateKeyPairAsync(KeyAlgorithm.Ed25519, "ed", TestEnvironment.NewId()));
        Assert.Equal(HsmErrorKind.Unsupported, ed.Kind);

        byte[] id = TestEnvironment.NewId();
        byte[] spki = await hsm.GenerateKeyPairAsync(KeyAlgorithm.EcdsaP256, "remote", id);
        for (int i = 0; i < 20; i++)
        {
            Assert.True(TestEnvironment.Verify(KeyAlgorithm.EcdsaP256, spki, Message, await hsm.SignAsync(id, KeyAlgorithm.EcdsaP256, Message)));
        }

        server.Kill();
        var sw = Stopwatch.StartNew();
        var e = await Assert.ThrowsAsync<HsmException>(() => hsm.SignAsync(id, KeyAlgorithm.EcdsaP256, Message));
        output.WriteLine($"after kill: {e.Kind} {e.Ckr} in {sw.ElapsedMilliseconds} ms");
        Assert.True(e.IsConnectionClass, e.ToString());
        Assert.True(sw.Elapsed < TimeSpan.FromSeconds(10), "must not hang");
        Assert.Equal(HsmConnectionState.Down, hsm.State);

        // While down, calls fail fast with Connection and do not hang.
        sw.Restart();
        Assert.Equal(HsmErrorKind.Connection, (await Assert.ThrowsAsync<HsmException>(() => hsm.SignAsync(id, KeyAlgorithm.EcdsaP256, Message))).Kind);
        Assert.True(sw.Elapsed < TimeSpan.FromSeconds(1));
        Assert.False((await hsm.ProbeAsync()).Success);
        await Task.Delay(500); // a few background attempts against the dead server

        server.Restart();
        Assert.True(await hsm.WaitUntilUpAsync(TimeSpan.FromSeconds(20)), $"did not recover: {hsm.StateReason}");
        Assert.True(TestEnvironment.Verify(KeyAlgorithm.EcdsaP256, spki, Message, await hsm.SignAsync(id, KeyAlgorithm.EcdsaP256, Message)));
        Assert.True((await hsm.ProbeAsync()).Success);
        lock (transitions)
        {
            Assert.Contains(transitions, t => t.To == HsmConnectionState.Down);
            Assert.Equal(HsmConnectionState.Connected, transitions[^1].To);
        }

        Assert.Contains(hsm.History, t => t.To == HsmConnectionState.Down);
    }

    [Fact]
    public async Task Stopped_server_times_out_within_the_deadline_and_recovers_after_SIGCONT()
    {
        using var token = SoftHsmToken.Create();
        using var server = P11KitServer.Start(token);
        await using var hsm = new HsmConnection(TestEnvironment.Remote(server));
        await hsm.ConnectAsync();
        byte[] id = TestEnvironment.NewId();
        byte[] spki = await hsm.GenerateKeyPairAsync(KeyAlgorithm.EcdsaP384, "remote-p384", id);
        Assert.True(TestEnvironment.Verify(KeyAlgorithm.EcdsaP384, spki, Message, await hsm.SignAsync(id, KeyAlgorithm.EcdsaP384, Message)));

        server.Stop();
        try
        {
            var sw = Stopwatch.StartNew();
            var e = await Assert.ThrowsAsync<HsmException>(() => hsm.SignAsync(id, KeyAlgorithm.EcdsaP384, Message));
            output.WriteLine($"after SIGSTOP: {e.Kind} in {sw.ElapsedMilliseconds} ms");
            Assert.Equal(HsmErrorKind.Timeout, e.Kind);
            Assert.InRange(sw.Elapsed, TimeSpan.FromSeconds(1.5), TimeSpan.FromSeconds(6));
            Assert.Equal(HsmConnectionState.Down, hsm.State);

            sw.Restart();
            var probe = await hsm.ProbeAsync();
            Assert.False(probe.Success);
            Assert.True(sw.Elapsed < TimeSpan.FromSeconds(6));
            await Task.Delay(1000); // background reconnects run into the stopped server and are abandoned too
        }
        finally
        {
            server.Continue();
        }

        Assert.True(await hsm.WaitUntilUpAsync(TimeSpan.FromSeconds(30)), $"did not recover: {hsm.StateReason}");
        Assert.True(TestEnvironment.Verify(KeyAlgorithm.EcdsaP384, spki, Message, await hsm.SignAsync(id, KeyAlgorithm.EcdsaP384, Message)));
        output.WriteLine($"abandoned calls so far: {HsmConnection.AbandonedCalls}");
    }

    [Fact]
    public async Task Two_p11kit_servers_in_one_process_need_a_second_copy_of_the_client_module()
    {
        using var tokenA = SoftHsmToken.Create();
        using var tokenB = SoftHsmToken.Create();
        using var serverA = P11KitServer.Start(tokenA);
        using var serverB = P11KitServer.Start(tokenB);
        string copyDir = Path.Combine(Path.GetTempPath(), "p11-client-copy-" + Guid.NewGuid().ToString("N")[..8]);
        Directory.CreateDirectory(copyDir);
        string copy = Path.Combine(copyDir, "p11-kit-client-b.so");
        File.Copy(P11KitServer.ClientLibraryPath, copy);
        try
        {
            await using var a = new HsmConnection(TestEnvironment.Remote(serverA, "a"));
            // Same module path, other server address: refused (one process-wide module instance).
            Assert.Equal(HsmErrorKind.Unsupported, Assert.Throws<HsmException>(() => new HsmConnection(TestEnvironment.Remote(serverB, "b"))).Kind);

            await using var b = new HsmConnection(TestEnvironment.Remote(serverB, "b") with { LibraryPath = copy });
            await a.ConnectAsync();
            await b.ConnectAsync();
            Assert.Equal(tokenA.Serial, a.GetInfo().TokenSerial);
            Assert.Equal(tokenB.Serial, b.GetInfo().TokenSerial);

            byte[] id = TestEnvironment.NewId();
            byte[] spkiA = await a.GenerateKeyPairAsync(KeyAlgorithm.EcdsaP256, "a", id);
            byte[] spkiB = await b.GenerateKeyPairAsync(KeyAlgorithm.EcdsaP256, "b", id);
            Assert.NotEqual(spkiA, spkiB);
            Assert.True(TestEnvironment.Verify(KeyAlgorithm.EcdsaP256, spkiA, Message, await a.SignAsync(id, KeyAlgorithm.EcdsaP256, Message)));
            Assert.True(TestEnvironment.Verify(KeyAlgorithm.EcdsaP256, spkiB, Message, await b.SignAsync(id, KeyAlgorithm.EcdsaP256, Message)));

            // Killing A's server leaves B untouched.
            serverA.Kill();
            Assert.True((await Assert.ThrowsAsync<HsmException>(() => a.SignAsync(id, KeyAlgorithm.EcdsaP256, Message))).IsConnectionClass);
            Assert.True(TestEnvironment.Verify(KeyAlgorithm.EcdsaP256, spkiB, Message, await b.SignAsync(id, KeyAlgorithm.EcdsaP256, Message)));
            Assert.Equal(HsmConnectionState.Connected, b.State);
        }
        finally
        {
            Directory.Delete(copyDir, recursive: true);
        }
    }
}
