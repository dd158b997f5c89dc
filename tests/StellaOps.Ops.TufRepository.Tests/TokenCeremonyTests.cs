using StellaOps.Ops.Hsm;
using StellaOps.Ops.PowerShell.TufRepository;
using StellaOps.Ops.TestSupport;
using StellaOps.Ops.Tuf;
using StellaOps.Ops.Tuf.Repository;

namespace StellaOps.Ops.TufRepository.Tests;

/// <summary>
/// Root keys on PKCS#11 tokens, one SoftHSM2 token per holder (each its own label and PIN): the ceremony generates
/// every root key on its holder's token, signs root 1 there, and both clients accept the result; the private keys
/// never leave the tokens; a later rotation is signed by the old holders' tokens.
/// </summary>
public sealed class TokenCeremonyTests
{
    private static readonly string[] Holders = ["alice", "bob", "carol"];

    private sealed class HolderTokens : IDisposable
    {
        public Dictionary<string, SoftHsmToken> Tokens { get; } = new(StringComparer.Ordinal);

        public HolderTokens(IEnumerable<string> holders)
        {
            foreach (var h in holders) Tokens[h] = TokenDirectory.Create(h);
        }

        public Dictionary<string, RootKeyToken> Specs() => Tokens.ToDictionary(kv => kv.Key, kv => Spec(kv.Value), StringComparer.Ordinal);

        public static RootKeyToken Spec(SoftHsmToken t) => new() { Module = t.LibraryPath, Label = t.Label, Pin = HsmPin.FromString(t.Pin) };

        public void Dispose()
        {
            foreach (var t in Tokens.Values) t.Dispose();
        }
    }

    [Theory]
    [InlineData(TufKeyFile.EcdsaP256)]
    [InlineData(TufKeyFile.Ed25519)]
    public async Task A_ceremony_with_root_keys_on_three_tokens_signs_root_1_and_both_clients_accept_it(string algorithm)
    {
        using var tokens = new HolderTokens(Holders);
        await using var w = await RepositoryWorld.CreateAsync(threshold: 2, keys: 3, algorithm: algorithm, holders: Holders, tokens: tokens.Specs());
        var repo = w.Repository;

        // Root 1 lists the three token keys, 2 of 3, and carries a valid signature of each.
        var root = repo.Root;
        Assert.Equal(2, root.Signed.Roles[TufRoleNames.Root].Threshold);
        Assert.Equal(3, root.CountValidSignatures(root.Signed.Roles[TufRoleNames.Root], root.Signed.Keys));
        Assert.All(root.Signed.Roles[TufRoleNames.Root].KeyIds, id => Assert.Equal(algorithm == TufKeyFile.Ed25519 ? TufKey.Ed25519 : TufKey.Ecdsa, root.Signed.Keys[id].KeyType));

        // The ceremony record and the configuration name each holder's token and key; no root key file exists.
        var record = Tuf.Repository.TufRepository.Open(repo.Directory).Config.RootHolders;
        foreach (var h in Holders)
        {
            var holder = record.Single(r => r.Name == h);
            Assert.Equal(tokens.Tokens[h].Label, holder.TokenLabel);
            Assert.Null(holder.KeyFile);
            Assert.NotNull(holder.TokenKeyId);
        }
        var ceremony = File.ReadAllText(Directory.GetFiles(Path.Combine(repo.Directory, "ceremonies")).Single());
        Assert.All(Holders, h => Assert.Contains(tokens.Tokens[h].Label, ceremony, StringComparison.Ordinal));
        Assert.False(Directory.Exists(Path.Combine(repo.Directory, "keys", "root")) && Directory.EnumerateFileSystemEntries(Path.Combine(repo.Directory, "keys", "root")).Any());

        // Both clients accept what the ceremony wrote.
        await w.BothClientsFetchAsync(SigstoreTargetEditor.SigningConfig);

        // The private keys never left their tokens: pkcs11-tool reads CKA_SENSITIVE true and CKA_EXTRACTABLE false ("never extractable") from each.
        foreach (var h in Holders)
        {
            var holder = record.Single(r => r.Name == h);
            var token = tokens.Tokens[h];
            var objects = token.Tool("--login", "--pin", token.Pin, "--list-objects", "--type", "privkey", "--id", holder.TokenKeyId!);
            Assert.Contains("Private Key Object", objects, StringComparison.Ordinal);
            Assert.Contains("never extractable", objects, StringComparison.Ordinal);
            Assert.Contains("always sensitive", objects, StringComparison.Ordinal);
            Assert.DoesNotContain("Access:     local", objects, StringComparison.Ordinal);
        }
    }

    [Fact]
    public async Task A_rotation_to_new_token_keys_is_signed_by_the_old_holders_tokens_and_clients_follow_it()
    {
        using var tokens = new HolderTokens([.. Holders, "dave", "erin"]);
        var initial = tokens.Specs().Where(kv => Holders.Contains(kv.Key)).ToDictionary(kv => kv.Key, kv => kv.Value);
        await using var w = await RepositoryWorld.CreateAsync(threshold: 2, keys: 3, algorithm: TufKeyFile.EcdsaP256, holders: Holders, tokens: initial);
        var repo = w.Repository;

        // Root 2: dave and erin, 2 of 2, their keys made on their tokens and signing there.
        w.Clock.Advance(TimeSpan.FromMinutes(1));
        var rotation = await repo.ProposeRootRotationAsync(2, ["dave", "erin"], null, _ => throw new InvalidOperationException("no key file is made"),
            new TufCeremonyOptions { Tokens = tokens.Specs().Where(kv => kv.Key is "dave" or "erin").ToDictionary(kv => kv.Key, kv => kv.Value) });
        Assert.True(rotation.Pending);
        Assert.All(rotation.Holders, h => Assert.NotNull(h.TokenKeyId));

        // One old holder's token is not enough: still pending, and the holders still to sign are named.
        var config = repo.Config.RootHolders;
        await using (var alice = await repo.OpenRootTokenAsync(config.Single(h => h.Name == "alice"), HsmPin.FromString(tokens.Tokens["alice"].Pin)))
        {
            var partial = await repo.SignAsync([alice], w.OnlineSigners());
            Assert.Equal(2, partial.PendingRootVersion);
            Assert.Contains(partial.StillToSign, s => s.Contains("bob", StringComparison.Ordinal) && s.Contains("old root: 1 of 2", StringComparison.Ordinal));
        }

        // A wrong PIN is refused with the holder and token named, and nothing is signed.
        var wrong = await Assert.ThrowsAsync<Contracts.OpsException>(() => repo.OpenRootTokenAsync(config.Single(h => h.Name == "bob"), HsmPin.FromString("0000")));
        Assert.Equal(Contracts.OpsErrorCode.TufRepositoryTokenUnavailable, wrong.Code);
        Assert.Contains(tokens.Tokens["bob"].Label, wrong.Message, StringComparison.Ordinal);
        Assert.DoesNotContain("0000", wrong.Message, StringComparison.Ordinal);

        await using (var bob = await repo.OpenRootTokenAsync(config.Single(h => h.Name == "bob"), HsmPin.FromString(tokens.Tokens["bob"].Pin)))
        {
            var done = await repo.SignAsync([bob], w.OnlineSigners());
            Assert.Equal(2, done.Signed[TufRoleNames.Root]);
        }
        repo.Publish(w.PublishDirectory);
        await w.BothClientsFetchAsync(SigstoreTargetEditor.TrustedRoot);
        using var u = w.NewUpdater();
        u.LoadFromCache();
        Assert.Equal(2, u.Trusted!.Root.Signed.Version);
        Assert.Equal(rotation.Holders.Select(h => h.KeyId).Order(), u.Trusted.Root.Signed.Roles[TufRoleNames.Root].KeyIds.Order());
    }
}
