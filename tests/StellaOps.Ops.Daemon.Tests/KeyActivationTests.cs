using StellaOps.Ops.Contracts;
using StellaOps.Ops.Contracts.Rpc;
using StellaOps.Ops.Daemon.Keys;

namespace StellaOps.Ops.Daemon.Tests;

/// <summary>
/// A generated key becomes the active one when its provider has no active key for its purpose (runbooks 000 and 003:
/// "signing.mode software, reload, retry" needs a software key that signs), and "no active key" names the exact commands.
/// </summary>
public sealed class KeyActivationTests : IDisposable
{
    private readonly DaemonCore _core = new(new ManualTime(new DateTimeOffset(2026, 3, 1, 12, 0, 0, TimeSpan.Zero)));

    private KeyService Keys => _core.Keys;

    private Task<KeyInfo> GenerateAsync(string name) =>
        Keys.GenerateAsync(new KeyGenerationRequest { Provider = KeyProvider.Software, Name = name }, default);

    [Fact]
    public async Task The_first_key_of_a_provider_becomes_active_the_next_waits_and_no_active_key_names_the_command_that_fixes_it()
    {
        var none = Assert.Throws<OpsException>(() => _core.Selection.Resolve());
        Assert.Equal(OpsErrorCode.NoActiveKey, none.Code);
        Assert.Contains("'stella keys generate --type signing --algorithm ecdsa-p256'", none.RecommendedAction);
        Assert.Contains("software key, which becomes the active attestation-signing key", none.RecommendedAction);

        var first = await GenerateAsync("first");
        var second = await GenerateAsync("second");
        Assert.Equal((KeyStatus.Active, KeyStatus.Inactive), (first.Status, second.Status));
        Assert.Equal(first.CreatedAt, first.ActivatedAt);
        Assert.Equal(first.Id, _core.Selection.Resolve().Id);
        Assert.Equal(["generated", "activated"], Keys.History(first.Id).Select(e => e.Event));
        Assert.Equal(["generated"], Keys.History(second.Id).Select(e => e.Event));

        // The active key is revoked: the remedy names the usable inactive key and how to activate it.
        await Keys.RevokeAsync(first.Id, "test", default);
        var revoked = Assert.Throws<OpsException>(() => _core.Selection.Resolve());
        Assert.Contains($"'stella keys activate {second.Id}'", revoked.RecommendedAction);
    }

    [Fact]
    public async Task Keys_generated_at_the_same_time_while_none_is_active_make_exactly_one_active()
    {
        var keys = await Task.WhenAll(Enumerable.Range(0, 8).Select(i => Task.Run(() => GenerateAsync($"k{i}"))));
        Assert.Single(keys, k => k.Status == KeyStatus.Active);
        Assert.Equal(keys.Single(k => k.Status == KeyStatus.Active).Id, _core.Selection.Resolve().Id);
    }

    public void Dispose() => _core.Dispose();
}
