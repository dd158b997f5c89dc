using System.Security.Cryptography;
using StellaOps.Ops.Attestation.Verification;
using StellaOps.Ops.Contracts;
using StellaOps.Ops.Contracts.Rpc;

namespace StellaOps.Ops.IntegrationTests.Signing;

/// <summary>signing.Sign with software keys (no HSM): defaults, Ed25519, expired and revoked keys, bad batches.</summary>
public sealed class SoftwareSigningTests : IAsyncLifetime
{
    private DaemonProcess _daemon = null!;

    public async Task InitializeAsync() => _daemon = await DaemonProcess.StartNewAsync();

    public async Task DisposeAsync() => await _daemon.DisposeAsync();

    [Fact]
    public async Task Without_a_key_id_the_attestors_key_signs_and_get_key_names_it()
    {
        await using var client = await _daemon.ConnectAsync();
        var none = await Assert.ThrowsAsync<OpsException>(() => HandshakeAndSettingsTests.Call(() => client.Signing.GetKeyAsync(null, CancellationToken.None)));
        Assert.Equal(OpsErrorCode.NoActiveKey, none.Code);
        var missing = Assert.Single(await client.Signing.SignAsync([new SignRequest { Digest = "sha256:" + new string('1', 64) }], CancellationToken.None));
        Assert.Equal(OpsErrorCode.NoActiveKey, missing.Error?.Code);
        Assert.Contains("stella keys generate", missing.Error!.RecommendedAction);

        var key = await client.Keys.GenerateAsync(new KeyGenerationRequest { Provider = KeyProvider.Software }, CancellationToken.None);
        await client.Keys.ActivateAsync(key.Id, CancellationToken.None);
        Assert.Equal(key.Id, (await client.Signing.GetKeyAsync(null, CancellationToken.None)).Id);

        var digest = SHA256.HashData("x"u8);
        var signed = Assert.Single(await client.Signing.SignAsync([new SignRequest { Digest = "sha256:" + Convert.ToHexStringLower(digest) }], CancellationToken.None));
        Assert.Null(signed.Error);
        Assert.Equal(key.Id, signed.KeyId);
        using var verify = await SigningVerify.ForAsync(client, key);
        Assert.True(verify.VerifiesDigest(digest, signed.Signature!));
        Assert.Empty(await client.Signing.SignAsync([], CancellationToken.None));
    }

    [Fact]
    public async Task Ed25519_signs_data_and_refuses_a_digest_with_what_to_do()
    {
        await using var client = await _daemon.ConnectAsync();
        var key = await client.Keys.GenerateAsync(new KeyGenerationRequest { Algorithm = KeyAlgorithm.Ed25519, Provider = KeyProvider.Software }, CancellationToken.None);
        var data = "in-toto statement"u8.ToArray();
        var results = await client.Signing.SignAsync(
            [new SignRequest { KeyId = key.Id, Data = data }, new SignRequest { KeyId = key.Id, Digest = "sha256:" + new string('2', 64) }], CancellationToken.None);

        Assert.Equal("", results[0].Digest);
        var pem = (await client.Keys.GetPublicKeyAsync(key.Id, CancellationToken.None)).Pem;
        var spki = Convert.FromBase64String(string.Concat(pem.Split('\n').Where(l => !l.StartsWith("-----", StringComparison.Ordinal))));
        Assert.True(DsseVerifier.VerifySignature(new TrustedKey(spki), data, results[0].Signature, allowRawEcdsa: false, out var reason), reason);
        Assert.Equal(OpsErrorCode.InvalidArgument, results[1].Error?.Code);
        Assert.Contains("ed25519", results[1].Error!.Message);
        Assert.Contains("data", results[1].Error!.RecommendedAction);
    }

    [Fact]
    public async Task Expired_and_revoked_keys_never_sign_and_the_rest_of_the_batch_still_does()
    {
        await using var client = await _daemon.ConnectAsync();
        var good = await client.Keys.GenerateAsync(new KeyGenerationRequest { Provider = KeyProvider.Software }, CancellationToken.None);
        var revoked = await client.Keys.GenerateAsync(new KeyGenerationRequest { Provider = KeyProvider.Software }, CancellationToken.None);
        await client.Keys.RevokeAsync(revoked.Id, "test", CancellationToken.None);
        var shortLived = await client.Keys.GenerateAsync(new KeyGenerationRequest { Provider = KeyProvider.Software, Validity = Duration.Parse("1s") }, CancellationToken.None);
        await Task.Delay(TimeSpan.FromSeconds(1.5));

        var digest = "sha256:" + new string('3', 64);
        var results = await client.Signing.SignAsync(
        [
            new SignRequest { KeyId = shortLived.Id, Digest = digest },
            new SignRequest { KeyId = good.Id, Digest = digest },
            new SignRequest { KeyId = revoked.Id, Data = [1, 2, 3] },
            new SignRequest { KeyId = good.Id, Data = [1, 2, 3] },
        ], CancellationToken.None);

        Assert.Equal(OpsErrorCode.KeyExpired, results[0].Error?.Code);
        Assert.Equal(shortLived.Id, results[0].KeyId);
        Assert.Equal(OpsErrorCode.KeyRevoked, results[2].Error?.Code);
        Assert.Null(results[0].Signature);
        Assert.Null(results[2].Signature);
        Assert.Null(results[1].Error);
        Assert.Null(results[3].Error);
    }

    [Fact]
    public async Task A_batch_that_is_not_an_array_or_too_large_is_refused_whole_and_the_daemon_lives_on()
    {
        await using var client = await _daemon.ConnectAsync();
        var tooMany = await Assert.ThrowsAsync<OpsException>(() => HandshakeAndSettingsTests.Call(() =>
            client.Signing.SignAsync(Enumerable.Repeat(new SignRequest { Digest = "sha256:" + new string('4', 64) }, Protocol.MaxBatchItems + 1).ToArray(), CancellationToken.None)));
        Assert.Equal(OpsErrorCode.LimitExceeded, tooMany.Code);
        Assert.Contains($"at most {Protocol.MaxBatchItems}", tooMany.Message);
        var nullBatch = await Assert.ThrowsAsync<OpsException>(() => HandshakeAndSettingsTests.Call(() => client.Signing.SignAsync(null!, CancellationToken.None)));
        Assert.Equal(OpsErrorCode.InvalidArgument, nullBatch.Code);
        // A null item makes the batch malformed: refused whole, naming the item.
        var withNull = await Assert.ThrowsAsync<OpsException>(() => HandshakeAndSettingsTests.Call(() => client.Signing.SignAsync([null!], CancellationToken.None)));
        Assert.Equal(OpsErrorCode.InvalidArgument, withNull.Code);
        Assert.Contains("requests[0] must not be null", withNull.Message);
        Assert.False(_daemon.HasExited);
        Assert.NotNull(await client.System.GetStatusAsync(CancellationToken.None));
    }

    [Fact]
    public async Task A_batch_is_audited_as_who_signed_how_many_and_the_first_item_never_the_data()
    {
        await using var client = await _daemon.ConnectAsync();
        var key = await client.Keys.GenerateAsync(new KeyGenerationRequest { Provider = KeyProvider.Software }, CancellationToken.None);
        await client.Keys.ActivateAsync(key.Id, CancellationToken.None);
        var first = "sha256:" + new string('5', 64);
        var secretData = "do-not-audit-this-data"u8.ToArray();
        var batch = new[] { new SignRequest { Digest = first } }
            .Concat(Enumerable.Range(0, 298).Select(i => new SignRequest { Digest = "sha256:" + Convert.ToHexStringLower(SHA256.HashData(BitConverter.GetBytes(i))) }))
            .Append(new SignRequest { Data = secretData, KeyId = key.Id })
            .ToArray();
        var results = await client.Signing.SignAsync(batch, CancellationToken.None);
        Assert.All(results, r => Assert.Null(r.Error));
        var dataOnly = await client.Signing.SignAsync([new SignRequest { Data = secretData, KeyId = key.Id }], CancellationToken.None);
        Assert.Null(Assert.Single(dataOnly).Error);

        var audit = await client.Log.QueryAsync(new LogQuery { Component = "Audit", Filter = "signing.Sign" }, CancellationToken.None);
        var batchRecord = Assert.Single(audit, e => e.Message.Contains("300 items", StringComparison.Ordinal));
        Assert.Contains("succeeded", batchRecord.Message);
        Assert.Contains(Environment.UserName, batchRecord.Message);
        Assert.Contains("first: digest " + first, batchRecord.Message);
        var single = Assert.Single(audit, e => e.Message.Contains("1 item: data (22 bytes), key " + key.Id, StringComparison.Ordinal));
        Assert.Contains("succeeded", single.Message);
        foreach (var e in audit)
        {
            Assert.DoesNotContain(Convert.ToBase64String(secretData), e.Message);
            Assert.DoesNotContain("do-not-audit", e.Message);
        }
    }
}
