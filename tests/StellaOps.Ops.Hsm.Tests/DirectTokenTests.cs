using System.Diagnostics;
using System.Text;
using StellaOps.Ops.Contracts;
using StellaOps.Ops.TestSupport;

namespace StellaOps.Ops.Hsm.Tests;

public sealed class DirectTokenTests
{
    private static readonly byte[] Message = Encoding.UTF8.GetBytes("in-toto statement bytes");

    [Theory]
    [InlineData(KeyAlgorithm.EcdsaP256, 64)]
    [InlineData(KeyAlgorithm.EcdsaP384, 96)]
    [InlineData(KeyAlgorithm.Rsa3072, 384)]
    [InlineData(KeyAlgorithm.Ed25519, 64)]
    public async Task Generates_signs_verifies_and_finds_the_key_by_id_after_reconnect(KeyAlgorithm algorithm, int signatureLength)
    {
        using var token = TestEnvironment.DirectToken();
        await using var hsm = new HsmConnection(TestEnvironment.Direct(token));
        await hsm.ConnectAsync();
        Assert.Equal(HsmConnectionState.Connected, hsm.State);

        var mechanisms = await hsm.GetMechanismsAsync();
        var support = Assert.Single(mechanisms, m => m.Algorithm == algorithm);
        Assert.True(support.CanGenerate && support.CanSign, $"SoftHSM2 should support {algorithm}");

        byte[] id = TestEnvironment.NewId();
        byte[] spki = await hsm.GenerateKeyPairAsync(algorithm, "test-" + algorithm, id);
        byte[] sig = await hsm.SignAsync(id, algorithm, Message);
        Assert.Equal(signatureLength, sig.Length);
        Assert.True(TestEnvironment.Verify(algorithm, spki, Message, sig));
        Assert.False(TestEnvironment.Verify(algorithm, spki, [.. Message, 0x00], sig));

        // A reconnect and a full module reload drop every handle: the key is found again by CKA_ID.
        await hsm.ReconnectAsync();
        await hsm.ReloadLibraryAsync();
        Assert.Equal(HsmConnectionState.Connected, hsm.State);
        var keys = await hsm.FindKeyIdsAsync();
        var info = Assert.Single(keys, k => k.Id.AsSpan().SequenceEqual(id));
        Assert.Equal(algorithm, info.Algorithm);
        Assert.True(info.HasPublicKeyObject);
        Assert.Equal(spki, await hsm.GetPublicKeySpkiAsync(id));
        byte[] sig2 = await hsm.SignAsync(id, algorithm, Message);
        Assert.True(TestEnvironment.Verify(algorithm, spki, Message, sig2));

        // Wrong algorithm for the id and an unknown id are KeyNotFound.
        var other = algorithm == KeyAlgorithm.Ed25519 ? KeyAlgorithm.EcdsaP256 : KeyAlgorithm.Ed25519;
        Assert.Equal(HsmErrorKind.KeyNotFound, (await Assert.ThrowsAsync<HsmException>(() => hsm.SignAsync(id, other, Message))).Kind);
        Assert.Equal(HsmErrorKind.KeyNotFound, (await Assert.ThrowsAsync<HsmException>(() => hsm.SignAsync(TestEnvironment.NewId(), algorithm, Message))).Kind);

        Assert.Equal(2, await hsm.DestroyKeyAsync(id));
        Assert.Equal(HsmErrorKind.KeyNotFound, (await Assert.ThrowsAsync<HsmException>(() => hsm.SignAsync(id, algorithm, Message))).Kind);
    }

    [Fact]
    public async Task Info_slots_probe_and_token_lookup_by_serial()
    {
        using var token = TestEnvironment.DirectToken();
        await using var hsm = new HsmConnection(TestEnvironment.Direct(token) with { TokenLabel = null, TokenSerial = token.Serial });
        await hsm.ConnectAsync();

        var probe = await hsm.ProbeAsync();
        Assert.True(probe.Success, probe.Error);
        var info = hsm.GetInfo();
        Assert.Equal(token.Label, info.TokenLabel);
        Assert.Equal(token.Serial, info.TokenSerial);
        Assert.Contains("SoftHSM", info.LibraryManufacturer);
        Assert.True(info.Sessions.PersistentOpen);
        Assert.Equal(probe, info.LastProbe);

        var slots = await hsm.GetSlotsAsync();
        Assert.Contains(slots, s => s.TokenSerial == token.Serial && !s.Free);
        Assert.Contains(slots, s => s.Free);

        var login = await hsm.TestLoginAsync();
        Assert.True(login.Success, login.Error);
        Assert.True(login.WasAlreadyLoggedIn);
    }

    [Fact]
    public async Task Wrong_pin_fails_once_and_is_never_retried_until_the_pin_source_changes()
    {
        using var token = TestEnvironment.DirectToken(pin: "1234");
        string pin = "9999";
        await using var hsm = new HsmConnection(TestEnvironment.Direct(token, pin: () => Encoding.UTF8.GetBytes(pin)));

        var first = await Assert.ThrowsAsync<HsmException>(() => hsm.ConnectAsync());
        Assert.Equal(HsmErrorKind.PinIncorrect, first.Kind);
        Assert.Equal("CKR_PIN_INCORRECT", first.Ckr);
        Assert.Equal(1, hsm.LoginAttempts);
        Assert.True(hsm.PinFailureLatched);
        Assert.Equal(HsmConnectionState.Down, hsm.State);

        // Neither explicit calls nor the background reconnect (100 ms backoff) call C_Login again with the same PIN.
        var second = await Assert.ThrowsAsync<HsmException>(() => hsm.ConnectAsync());
        Assert.Equal(HsmErrorKind.PinIncorrect, second.Kind);
        var sign = await Assert.ThrowsAsync<HsmException>(() => hsm.SignAsync([1], KeyAlgorithm.EcdsaP256, Message));
        Assert.Equal(HsmErrorKind.PinIncorrect, sign.Kind);
        Assert.False((await hsm.TestLoginAsync()).Success);
        await Task.Delay(700);
        Assert.Equal(1, hsm.LoginAttempts);

        // A different PIN from the source allows exactly one new attempt; the background reconnect picks it up.
        pin = "1234";
        Assert.True(await hsm.WaitUntilUpAsync(TimeSpan.FromSeconds(10)));
        Assert.Equal(2, hsm.LoginAttempts);
        Assert.False(hsm.PinFailureLatched);
        Assert.True((await hsm.ProbeAsync()).Success);
    }

    [Fact]
    public async Task Parallel_signing_uses_several_sessions_never_one_session_on_two_threads()
    {
        using var token = TestEnvironment.DirectToken();
        await using var hsm = new HsmConnection(TestEnvironment.Direct(token) with { PoolSize = 4 });
        await hsm.ConnectAsync();
        byte[] id = TestEnvironment.NewId();
        byte[] spki = await hsm.GenerateKeyPairAsync(KeyAlgorithm.EcdsaP256, "parallel", id);

        var sw = Stopwatch.StartNew();
        var tasks = Enumerable.Range(0, 6).Select(t => Task.Run(async () =>
        {
            for (int i = 0; i < 150; i++)
            {
                byte[] msg = Encoding.UTF8.GetBytes($"{t}/{i}");
                byte[] sig = await hsm.SignAsync(id, KeyAlgorithm.EcdsaP256, msg);
                if (i % 50 == 0)
                {
                    Assert.True(TestEnvironment.Verify(KeyAlgorithm.EcdsaP256, spki, msg, sig));
                }
            }
        })).ToArray();
        await Task.WhenAll(tasks);

        Assert.Equal(0, hsm.SessionConcurrencyViolations);
        Assert.True(hsm.MaxConcurrentPoolSessions > 1, $"max concurrent sessions {hsm.MaxConcurrentPoolSessions}");
        Assert.InRange(hsm.SessionsOpened, 2, 4);
        Assert.InRange(hsm.GetInfo().Sessions.PoolIdle, 2, 4);
        Assert.Equal(HsmConnectionState.Connected, hsm.State);
    }

    [Fact]
    public async Task No_pin_appears_in_messages_or_ToString()
    {
        const string Pin = "7319-Secret-PIN-8842";
        const string WrongPin = "5555-Wrong-PIN-0917";
        using var token = TestEnvironment.DirectToken(pin: Pin);
        var texts = new List<string>();

        await using (var bad = new HsmConnection(TestEnvironment.Direct(token, pin: HsmPin.FromString(WrongPin))))
        {
            texts.Add((await Assert.ThrowsAsync<HsmException>(() => bad.ConnectAsync())).ToString());
            texts.Add((await Assert.ThrowsAsync<HsmException>(() => bad.SignAsync([1], KeyAlgorithm.EcdsaP256, Message))).ToString());
            texts.Add(bad.GetInfo().ToString());
            texts.Add(bad.ToString());
            texts.Add(bad.Options.ToString());
            texts.AddRange(bad.History.Select(h => h.ToString()));
            texts.Add((await bad.TestLoginAsync()).ToString());
        }

        await using (var good = new HsmConnection(TestEnvironment.Direct(token)))
        {
            await good.ConnectAsync();
            var e = await Assert.ThrowsAsync<HsmException>(() => good.ChangePinAsync(Encoding.UTF8.GetBytes(WrongPin), Encoding.UTF8.GetBytes(Pin + "x")));
            Assert.Equal(HsmErrorKind.PinIncorrect, e.Kind);
            texts.Add(e.ToString());
            texts.Add(good.GetInfo().ToString());

            // ChangePin round trip works.
            await good.ChangePinAsync(Encoding.UTF8.GetBytes(Pin), Encoding.UTF8.GetBytes("24681357"));
            await good.ChangePinAsync(Encoding.UTF8.GetBytes("24681357"), Encoding.UTF8.GetBytes(Pin));
        }

        Assert.NotEmpty(texts);
        foreach (string text in texts)
        {
            Assert.DoesNotContain(Pin, text);
            Assert.DoesNotContain(WrongPin, text);
            Assert.DoesNotContain(Convert.ToHexString(Encoding.UTF8.GetBytes(WrongPin)), text);
        }
    }

    [Fact]
    public async Task A_reload_by_one_connection_does_not_take_down_another_on_the_same_module()
    {
        await using var pair = await TwoTokensOnOneModule.ConnectAsync();
        var (a, b) = (pair.A, pair.B);
        Assert.Same(a.Library, b.Library);
        byte[] id = TestEnvironment.NewId();
        byte[] spki = await b.GenerateKeyPairAsync(KeyAlgorithm.EcdsaP256, "b-key", id);

        long generation = b.Library.Generation;
        await a.ReloadLibraryAsync();
        Assert.True(b.Library.Generation > generation);

        // b's sessions died with the old module instance: it reopens them transparently and never goes Down.
        byte[] sig = await b.SignAsync(id, KeyAlgorithm.EcdsaP256, Message);
        Assert.True(TestEnvironment.Verify(KeyAlgorithm.EcdsaP256, spki, Message, sig));
        Assert.DoesNotContain(b.History, t => t.To == HsmConnectionState.Down && t.From != HsmConnectionState.Down);
        Assert.Equal(HsmConnectionState.Connected, b.State);
        Assert.True((await a.ProbeAsync()).Success);
    }

    /// <summary>
    /// The race behind a failover during 'stella crypto hsm pkcs11-reload': a keep-alive probe of b waits for b's
    /// persistent session while a reloads the module both share; the probe then meets the retired instance. That is
    /// not b failing: the probe succeeds on the new instance and b never goes Down (a group would have failed over).
    /// </summary>
    [Fact]
    public async Task A_probe_that_meets_a_module_reloaded_under_it_probes_the_new_instance_and_stays_connected()
    {
        await using var pair = await TwoTokensOnOneModule.ConnectAsync();
        var (a, b) = (pair.A, pair.B);
        var before = b.CurrentContext();

        await before.PersistentGate.WaitAsync();
        Task<HsmProbeResult> probe;
        try
        {
            probe = b.ProbeAsync();
            Assert.False(probe.IsCompleted);
            await a.ReloadLibraryAsync();
            Assert.True(before.Module.Retired);
        }
        finally
        {
            before.PersistentGate.Release();
        }

        var result = await probe;
        Assert.True(result.Success, result.Error);
        Assert.NotSame(before, b.CurrentContext());
        Assert.False(b.CurrentContext().Module.Retired);
        Assert.Equal(HsmConnectionState.Connected, b.State);
        Assert.DoesNotContain(b.History, t => t.To == HsmConnectionState.Down && t.From != HsmConnectionState.Down);
        Assert.Null(b.GetInfo().LastError);
    }

    [Fact]
    public async Task A_probe_that_meets_its_sessions_replaced_by_a_reconnect_probes_the_new_ones_and_stays_connected()
    {
        // An operator's reset (or a reconnect) while a keep-alive probe waits for the persistent session: the old
        // sessions are closed under the probe. That is not this HSM failing, so nothing degrades the new sessions.
        using var token = TestEnvironment.DirectToken();
        await using var hsm = new HsmConnection(TestEnvironment.Direct(token));
        await hsm.ConnectAsync();
        var before = hsm.CurrentContext();

        await before.PersistentGate.WaitAsync();
        Task<HsmProbeResult> probe;
        try
        {
            probe = hsm.ProbeAsync();
            Assert.False(probe.IsCompleted);
            await hsm.ReconnectAsync();
            Assert.NotSame(before, hsm.CurrentContext());
            // The old persistent session is closed in the background: wait until it is gone on the token.
            var closed = Stopwatch.StartNew();
            while (SessionOpen(before.Persistent))
            {
                Assert.True(closed.Elapsed < TimeSpan.FromSeconds(30), "the replaced persistent session was never closed");
                await Task.Delay(20);
            }
        }
        finally
        {
            before.PersistentGate.Release();
        }

        var result = await probe;
        Assert.True(result.Success, result.Error);
        Assert.Equal(HsmConnectionState.Connected, hsm.State);
        Assert.DoesNotContain(hsm.History, t => t.To is HsmConnectionState.Degraded or HsmConnectionState.Down);
        Assert.Null(hsm.GetInfo().LastError);

        static bool SessionOpen(Net.Pkcs11Interop.HighLevelAPI.ISession session)
        {
            try { session.GetSessionInfo(); return true; }
            catch (Net.Pkcs11Interop.Common.Pkcs11Exception) { return false; }
        }
    }

    [Fact]
    public async Task Sessions_closed_behind_the_layer_are_reopened_and_keys_found_again_with_state_degraded()
    {
        using var token = TestEnvironment.DirectToken();
        await using var hsm = new HsmConnection(TestEnvironment.Direct(token) with { PoolSize = 2 });
        await hsm.ConnectAsync();
        byte[] id = TestEnvironment.NewId();
        byte[] spki = await hsm.GenerateKeyPairAsync(KeyAlgorithm.EcdsaP384, "k", id);
        Assert.True(TestEnvironment.Verify(KeyAlgorithm.EcdsaP384, spki, Message, await hsm.SignAsync(id, KeyAlgorithm.EcdsaP384, Message)));
        long logins = hsm.LoginAttempts;

        // Another component of the process calls C_CloseAllSessions on the slot: every session (the persistent one
        // too) is gone and the token is logged out.
        var module = hsm.Library.Current!;
        var slot = module.Library.GetSlotList(Net.Pkcs11Interop.Common.SlotsType.WithTokenPresent)
            .Single(s => s.GetTokenInfo().SerialNumber.Trim() == token.Serial);
        slot.CloseAllSessions();

        byte[] sig = await hsm.SignAsync(id, KeyAlgorithm.EcdsaP384, Message);
        Assert.True(TestEnvironment.Verify(KeyAlgorithm.EcdsaP384, spki, Message, sig));
        Assert.Equal(HsmConnectionState.Degraded, hsm.State);
        Assert.NotNull(hsm.GetInfo().LastError);
        Assert.True(hsm.LoginAttempts > logins);
        Assert.True((await hsm.ProbeAsync()).Success);
        Assert.Contains(hsm.History, t => t.To == HsmConnectionState.Degraded);
    }
    [Fact]
    public async Task A_missing_key_is_not_an_error_of_the_HSM_and_a_member_that_is_healthy_again_has_no_stale_LastError()
    {
        using var token = TestEnvironment.DirectToken();
        // No degraded window: the first good call after an error is healthy again.
        await using var hsm = new HsmConnection(TestEnvironment.Direct(token) with { DegradedWindow = TimeSpan.Zero });
        await hsm.ConnectAsync();
        byte[] id = TestEnvironment.NewId();
        byte[] spki = await hsm.GenerateKeyPairAsync(KeyAlgorithm.EcdsaP256, "k", id);

        // Asking for a key the token does not hold is the request's problem: the member stays Connected, no LastError.
        Assert.Equal(HsmErrorKind.KeyNotFound, (await Assert.ThrowsAsync<HsmException>(() => hsm.SignAsync(TestEnvironment.NewId(), KeyAlgorithm.EcdsaP256, Message))).Kind);
        Assert.Equal(HsmConnectionState.Connected, hsm.State);
        Assert.Null(hsm.GetInfo().LastError);
        await hsm.ReconnectAsync();
        Assert.Equal(HsmConnectionState.Connected, hsm.State);
        Assert.True(TestEnvironment.Verify(KeyAlgorithm.EcdsaP256, spki, Message, await hsm.SignAsync(id, KeyAlgorithm.EcdsaP256, Message)));

        // Every session closed behind the layer: a real error, recovered inline; once healthy the error is history only.
        var module = hsm.Library.Current!;
        module.Library.GetSlotList(Net.Pkcs11Interop.Common.SlotsType.WithTokenPresent)
            .Single(s => s.GetTokenInfo().SerialNumber.Trim() == token.Serial).CloseAllSessions();
        Assert.True(TestEnvironment.Verify(KeyAlgorithm.EcdsaP256, spki, Message, await hsm.SignAsync(id, KeyAlgorithm.EcdsaP256, Message)));
        Assert.Contains(hsm.History, t => t.To == HsmConnectionState.Degraded);
        Assert.True((await hsm.ProbeAsync()).Success);
        Assert.Equal(HsmConnectionState.Connected, hsm.State);
        Assert.Null(hsm.GetInfo().LastError);
        Assert.Null(hsm.GetInfo().LastErrorAt);
    }
}
