using StellaOps.Ops.Contracts;
using StellaOps.Ops.Contracts.Rpc;

namespace StellaOps.Ops.IntegrationTests.Keys;

/// <summary>The "signing key expired" runbook against the real daemon, with software keys (no HSM configured).</summary>
public sealed class KeyLifecycleTests : IAsyncLifetime
{
    private DaemonProcess _daemon = null!;

    public async Task InitializeAsync() => _daemon = await DaemonProcess.StartNewAsync();

    public async Task DisposeAsync() => await _daemon.DisposeAsync();

    [Fact]
    public async Task An_expired_key_refuses_to_sign_and_a_backup_key_takes_over()
    {
        await using var client = await _daemon.ConnectAsync();
        var shortLived = await client.Keys.GenerateAsync(new KeyGenerationRequest { Algorithm = KeyAlgorithm.EcdsaP256, Validity = Duration.Parse("5s"), Name = "short", Provider = KeyProvider.Software }, CancellationToken.None);
        var backup = await client.Keys.GenerateAsync(new KeyGenerationRequest { Algorithm = KeyAlgorithm.EcdsaP256, Validity = Duration.Parse("365d"), Name = "backup", Provider = KeyProvider.Software }, CancellationToken.None);
        Assert.Equal(64, shortLived.Id.Length);
        // The first software key becomes the active one (none was); the next one waits inactive as its backup.
        Assert.Equal(KeyStatus.Active, shortLived.Status);
        Assert.Equal(KeyStatus.Inactive, backup.Status);
        Assert.Contains(await client.Keys.GetHistoryAsync(shortLived.Id, CancellationToken.None), e => e.Event == "activated" && e.Detail.Contains("no other software", StringComparison.Ordinal));

        var active = await client.Keys.ActivateAsync(shortLived.Id, CancellationToken.None);
        Assert.Equal(KeyStatus.Active, active.Status);
        Assert.True((await client.Keys.TestAsync(shortLived.Id, KeyOperation.Sign, CancellationToken.None)).Success);

        await Task.Delay(TimeSpan.FromSeconds(5.5));
        var listed = await client.Keys.ListAsync(new KeyQuery { Type = KeyType.Signing, Status = KeyStatus.Expired }, CancellationToken.None);
        Assert.Contains(listed, k => k.Id == shortLived.Id);

        var refused = await Assert.ThrowsAsync<OpsException>(() => HandshakeAndSettingsTests.Call(() => client.Keys.TestAsync(shortLived.Id, KeyOperation.Sign, CancellationToken.None)));
        Assert.Equal(OpsErrorCode.KeyExpired, refused.Code);
        Assert.Contains("key expired", refused.Message);
        Assert.Contains(backup.Id, refused.RecommendedAction);

        // The runbook's mitigation: activate the backup, point signing at it, reload.
        await client.Keys.ActivateAsync(backup.Id, CancellationToken.None);
        await client.Config.SetAsync("attest.signing.key_id", backup.Id, CancellationToken.None);
        await client.System.ReloadAsync(CancellationToken.None);
        var activeNow = await client.Keys.ListAsync(new KeyQuery { Status = KeyStatus.Active }, CancellationToken.None);
        Assert.Equal(backup.Id, Assert.Single(activeNow).Id);
        Assert.True((await client.Keys.TestAsync(backup.Id, KeyOperation.Sign, CancellationToken.None)).Success);

        var doctor = await client.Doctor.RunAsync(["check.attestor.key-expiration"], null, CancellationToken.None);
        Assert.NotEqual(DoctorStatus.Fail, Assert.Single(doctor).Status);

        var history = await client.Keys.GetHistoryAsync(backup.Id, CancellationToken.None);
        Assert.Contains(history, e => e.Event == "generated");
        Assert.Contains(history, e => e.Event == "activated" && e.Actor.Contains("pid", StringComparison.Ordinal));
    }

    [Fact]
    public async Task Setting_an_expired_or_unknown_key_as_the_signing_key_is_refused()
    {
        await using var client = await _daemon.ConnectAsync();
        var unknown = await Assert.ThrowsAsync<OpsException>(() => HandshakeAndSettingsTests.Call(() => client.Config.SetAsync("attest.signing.key_id", new string('a', 64), CancellationToken.None)));
        Assert.Equal(OpsErrorCode.KeyNotFound, unknown.Code);
        Assert.Equal("", (await client.Config.GetAsync("attest.signing.key_id", CancellationToken.None)).Single().Value);
    }

    [Theory]
    [InlineData(KeyAlgorithm.EcdsaP256)]
    [InlineData(KeyAlgorithm.EcdsaP384)]
    [InlineData(KeyAlgorithm.Rsa3072)]
    [InlineData(KeyAlgorithm.Ed25519)]
    public async Task Each_algorithm_generates_test_signs_and_exports_a_public_key_whose_id_is_its_spki_hash(KeyAlgorithm algorithm)
    {
        await using var client = await _daemon.ConnectAsync();
        var key = await client.Keys.GenerateAsync(new KeyGenerationRequest { Algorithm = algorithm, Provider = KeyProvider.Software }, CancellationToken.None);
        var test = await client.Keys.TestAsync(key.Id, KeyOperation.Sign, CancellationToken.None);
        Assert.True(test.Success, test.Message);
        var pem = await client.Keys.GetPublicKeyAsync(key.Id, CancellationToken.None);
        Assert.StartsWith("-----BEGIN PUBLIC KEY-----", pem.Pem);
        var spki = Convert.FromBase64String(string.Concat(pem.Pem.Split('\n').Where(l => !l.StartsWith("-----", StringComparison.Ordinal))));
        Assert.Equal(key.Id, Convert.ToHexStringLower(System.Security.Cryptography.SHA256.HashData(spki)));
        // The private key is sealed in the database: the key id is bound in, the PKCS#8 never stored in clear.
        var db = await File.ReadAllBytesAsync(_daemon.DatabasePath);
        Assert.False(ContainsSequence(db, System.Text.Encoding.ASCII.GetBytes("PRIVATE KEY")));
    }

    [Fact]
    public async Task Revoke_and_rotation_are_recorded_and_a_revoked_key_cannot_be_activated()
    {
        await using var client = await _daemon.ConnectAsync();
        var key = await client.Keys.GenerateAsync(new KeyGenerationRequest { Provider = KeyProvider.Software, Validity = Duration.Parse("30d") }, CancellationToken.None);
        await client.Keys.ActivateAsync(key.Id, CancellationToken.None);
        var rotation = await client.Keys.RotateAsync(key.Id, CancellationToken.None);
        Assert.Equal(KeyStatus.Retired, rotation.Retired.Status);
        Assert.Equal(KeyStatus.Active, rotation.Replacement.Status);
        Assert.Equal(key.Id, rotation.Replacement.Replaces);
        Assert.True(rotation.Retired.VerifyUntil <= DateTimeOffset.UtcNow.AddDays(14).AddMinutes(1));

        var revoked = await client.Keys.RevokeAsync(rotation.Replacement.Id, "compromised in test", CancellationToken.None);
        Assert.Equal(KeyStatus.Revoked, revoked.Status);
        var again = await Assert.ThrowsAsync<OpsException>(() => HandshakeAndSettingsTests.Call(() => client.Keys.ActivateAsync(rotation.Replacement.Id, CancellationToken.None)));
        Assert.Equal(OpsErrorCode.KeyRevoked, again.Code);
        var history = await client.Keys.GetHistoryAsync(null, CancellationToken.None);
        Assert.Contains(history, e => e.KeyId == key.Id && e.Event == "rotated");
        Assert.Contains(history, e => e.KeyId == rotation.Replacement.Id && e.Event == "revoked" && e.Detail == "compromised in test");
    }

    private static bool ContainsSequence(byte[] haystack, byte[] needle) => haystack.AsSpan().IndexOf(needle) >= 0;
}
