using StellaOps.Ops.Contracts;
using StellaOps.Ops.Contracts.Client;
using StellaOps.Ops.Contracts.Rpc;
using static StellaOps.Ops.IntegrationTests.HandshakeAndSettingsTests;

namespace StellaOps.Ops.IntegrationTests;

/// <summary>
/// Terminal control from input: ESC sequences (an OSC title change, a screen clear), BEL and CR in key names,
/// subjects and attestation types are refused by the real daemon with InvalidArgument naming the field; over-long
/// values too; and whatever hostile text still reaches the daemon (refused requests are audited, setting values are
/// logged) never reaches its console log raw.
/// </summary>
public sealed class TerminalSafetyTests
{
    private const string Digest = "sha256:0000000000000000000000000000000000000000000000000000000000000000";

    private static readonly string[] Hostile =
    [
        "title\u001b]0;pwned\u0007",     // OSC: set the window title
        "clear\u001b[2J\u001b[H",         // CSI: clear the screen
        "bell\u0007",
        "over\rwrite",
        "c1\u009b31m",                    // the one-byte CSI
        "bidi\u202Egnp.exe",
    ];

    [Fact]
    public async Task Control_characters_in_key_names_subjects_and_attestation_types_are_refused_naming_the_field()
    {
        await using var d = await DaemonProcess.StartNewAsync();
        await using var client = await d.ConnectAsync();
        await client.Config.SetAsync("attest.signing.mode", "software", CancellationToken.None);
        var signing = await client.Keys.GenerateAsync(new KeyGenerationRequest { Name = "signer", Provider = KeyProvider.Software }, CancellationToken.None);
        await client.Keys.ActivateAsync(signing.Id, CancellationToken.None);

        foreach (var hostile in Hostile)
        {
            var key = await Assert.ThrowsAsync<OpsException>(() => Call(() => client.Keys.GenerateAsync(new KeyGenerationRequest { Name = hostile, Provider = KeyProvider.Software }, CancellationToken.None)));
            AssertRefused(key, "key name");
            var purpose = await Assert.ThrowsAsync<OpsException>(() => Call(() => client.Keys.GenerateAsync(new KeyGenerationRequest { Name = "ok", Purpose = hostile, Provider = KeyProvider.Software }, CancellationToken.None)));
            AssertRefused(purpose, "key purpose");
            var revoke = await Assert.ThrowsAsync<OpsException>(() => Call(() => client.Keys.RevokeAsync(signing.Id, hostile, CancellationToken.None)));
            AssertRefused(revoke, "revocation reason");

            AssertRefused(await CreateError(client, new AttestationRequest { Type = "test", Subjects = [Subject(hostile)] }), "subject name");
            AssertRefused(await CreateError(client, new AttestationRequest { Type = "https://example.com/" + hostile, Subjects = [Subject("app")] }), "attestation type");
            AssertRefused(await CreateError(client, new AttestationRequest { Type = hostile, Subjects = [Subject("app")] }), "attestation type");
        }

        Assert.Equal(["signer"], (await client.Keys.ListAsync(new KeyQuery(), CancellationToken.None)).Select(k => k.Name).ToArray());
        Assert.Equal(KeyStatus.Active, (await client.Keys.GetAsync(signing.Id, CancellationToken.None)).Status);
        Assert.Empty(await client.Attest.ListAsync(new AttestationQuery(), CancellationToken.None));
        AssertConsoleClean(d);
    }

    [Fact]
    public async Task Over_long_names_subjects_and_types_are_refused_and_nothing_is_stored()
    {
        await using var d = await DaemonProcess.StartNewAsync();
        await using var client = await d.ConnectAsync();
        await client.Config.SetAsync("attest.signing.mode", "software", CancellationToken.None);

        var name = await Assert.ThrowsAsync<OpsException>(() => Call(() => client.Keys.GenerateAsync(new KeyGenerationRequest { Name = new string('n', 129), Provider = KeyProvider.Software }, CancellationToken.None)));
        Assert.Equal(OpsErrorCode.InvalidArgument, name.Code);
        Assert.Contains("key name is 129 characters long; at most 128", name.Message);
        var big = await Assert.ThrowsAsync<OpsException>(() => Call(() => client.Keys.GenerateAsync(new KeyGenerationRequest { Name = new string('n', 200_000), Provider = KeyProvider.Software }, CancellationToken.None)));
        Assert.Equal(OpsErrorCode.InvalidArgument, big.Code);
        Assert.True(big.Message.Length < 1000, "the error does not echo a huge name");
        Assert.Empty(await client.Keys.ListAsync(new KeyQuery(), CancellationToken.None));
        // The longest allowed name is kept as given.
        var longest = await client.Keys.GenerateAsync(new KeyGenerationRequest { Name = new string('n', 128), Provider = KeyProvider.Software }, CancellationToken.None);
        Assert.Equal(128, longest.Name.Length);

        var subject = await CreateError(client, new AttestationRequest { Type = "test", Subjects = [Subject(new string('s', 1025))] });
        Assert.Equal(OpsErrorCode.InvalidArgument, subject.Code);
        Assert.Contains("subject name is 1025 characters long; at most 1024", subject.Message);
        var type = await CreateError(client, new AttestationRequest { Type = "https://example.com/" + new string('t', 600), Subjects = [Subject("app")] });
        Assert.Contains("attestation type is 620 characters long; at most 512", type.Message);
        Assert.Empty(await client.Attest.ListAsync(new AttestationQuery(), CancellationToken.None));
    }

    [Fact]
    public async Task The_console_log_never_shows_raw_escape_sequences_from_any_input()
    {
        const string osc = "\u001b]0;pwned\u0007\u001b[2J\r";
        await using var d = await DaemonProcess.StartNewAsync();
        await using (var client = await d.ConnectAsync())
        {
            await client.Config.SetAsync("attest.signing.mode", "software", CancellationToken.None);
            // Setting values: refused, but the refusal is audited with the value, and a file path is taken as given.
            await Assert.ThrowsAnyAsync<Exception>(() => client.Config.SetAsync("attest.signing.key_id", "key" + osc, CancellationToken.None));
            try { await client.Config.SetAsync("hsm.pkcs11.library_path", "/nonexistent/lib" + osc + ".so", CancellationToken.None); }
            catch (Exception e) when (e is not Xunit.Sdk.XunitException) { }
            // Refused requests are still audited with what they asked for, and the errors quote it.
            await Assert.ThrowsAnyAsync<Exception>(() => client.Keys.GenerateAsync(new KeyGenerationRequest { Name = "n" + osc, Provider = KeyProvider.Software }, CancellationToken.None));
            await Assert.ThrowsAnyAsync<Exception>(() => client.Keys.GetAsync("id" + osc, CancellationToken.None));
            await Assert.ThrowsAnyAsync<Exception>(() => client.Keys.ActivateAsync("id" + osc, CancellationToken.None));
            await client.Attest.CreateAsync([new AttestationRequest { Type = "type" + osc, Subjects = [Subject("s" + osc)] }], null, CancellationToken.None);
            await Assert.ThrowsAnyAsync<Exception>(() => client.Config.SetAsync("no.such" + osc, "v" + osc, CancellationToken.None));
            await client.Log.QueryAsync(new LogQuery { Filter = "f" + osc }, CancellationToken.None);
            // Events reach the console only as escapes.
            var events = await client.Log.QueryAsync(new LogQuery { Filter = "pwned", Max = 100 }, CancellationToken.None);
            Assert.NotEmpty(events);
        }
        await d.StopAsync();

        Assert.Contains("\\e]0;pwned\\a", d.Output, StringComparison.Ordinal);
        AssertConsoleClean(d);
    }

    private static void AssertRefused(OpsException e, string field)
    {
        Assert.Equal(OpsErrorCode.InvalidArgument, e.Code);
        AssertRefusedMessage(e.Message, field);
    }

    private static void AssertRefused(OpsError e, string field)
    {
        Assert.Equal(OpsErrorCode.InvalidArgument, e.Code);
        AssertRefusedMessage(e.Message, field);
    }

    private static void AssertRefusedMessage(string message, string field)
    {
        Assert.Contains($"The {field} '", message);
        Assert.Contains("control character or invisible formatting character", message);
        Assert.DoesNotContain(message, c => c is '\u001b' or '\u0007' or '\r' or '\u009b' or '\u202e');
    }

    private static void AssertConsoleClean(DaemonProcess d)
    {
        var output = d.Output;
        foreach (var c in new[] { '\u001b', '\u0007', '\r', '\u009b', '\u202e' })
            Assert.False(output.Contains(c), $"the daemon's console output contains U+{(int)c:X4}:\n{output}");
    }

    private static async Task<OpsError> CreateError(OpsClient client, AttestationRequest request)
    {
        var result = Assert.Single(await client.Attest.CreateAsync([request], null, CancellationToken.None));
        Assert.Null(result.Attestation);
        return result.Error ?? throw new Xunit.Sdk.XunitException("the request was accepted");
    }

    private static AttestationSubject Subject(string name) => new() { Name = name, Digest = new Dictionary<string, string> { ["sha256"] = Digest[7..] } };
}
