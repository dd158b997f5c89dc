using StellaOps.Ops.Contracts;
using StellaOps.Ops.Contracts.Client;
using StellaOps.Ops.Contracts.Rpc;
using StellaOps.Ops.TestSupport;
using static StellaOps.Ops.IntegrationTests.Hsm.HsmTestHost;

namespace StellaOps.Ops.IntegrationTests.Signing;

/// <summary>
/// Issue 10 item 1 against the real daemon and a real SoftHSM2 token: one hash rule for every provider and
/// algorithm, checked by an independent verifier (openssl), and one batch signer behind signing.Sign and the attestor.
/// </summary>
public sealed class OneSigningPathTests : IAsyncLifetime
{
    private const int PoolSize = 4;
    private SoftHsmToken _token = null!;
    private DaemonProcess _daemon = null!;

    public async Task InitializeAsync()
    {
        _token = SoftHsmToken.Create(pin: "13579");
        _daemon = new DaemonProcess();
        var member = new
        {
            LibraryPath = SoftHsmLibrary,
            TokenLabel = _token.Label,
            PinFile = WritePinFile(_daemon, "primary.pin", _token.Pin),
            PoolSize,
            Environment = new Dictionary<string, string> { ["SOFTHSM2_CONF"] = _token.ConfPath },
        };
        WriteConfig(_daemon, new { Pkcs11 = new { LibraryPath = SoftHsmLibrary }, Primary = member });
        await _daemon.StartAsync();
        await using var client = await _daemon.ConnectAsync();
        await WaitForAsync(client, s => s.State == HsmOverallState.Connected, TimeSpan.FromSeconds(20), "Connected");
    }

    public async Task DisposeAsync()
    {
        await _daemon.DisposeAsync();
        _token.Dispose();
    }

    [Fact]
    public async Task Every_provider_and_algorithm_signs_data_and_digests_with_the_hash_the_one_rule_names()
    {
        await using var client = await _daemon.ConnectAsync();
        var data = "release-2.0.0.tar.gz contents"u8.ToArray();
        foreach (var provider in new[] { KeyProvider.Hsm, KeyProvider.Software })
            foreach (var algorithm in Enum.GetValues<KeyAlgorithm>())
            {
                var key = await client.Keys.GenerateAsync(new KeyGenerationRequest { Algorithm = algorithm, Provider = provider, Validity = Duration.Parse("30d") }, CancellationToken.None);
                var spki = await SpkiAsync(client, key.Id);
                var hash = SigningHash.Name(algorithm);
                var requests = new List<SignRequest> { new() { KeyId = key.Id, Data = data } };
                if (hash is not null) requests.Add(new SignRequest { KeyId = key.Id, Digest = SigningHash.Format(algorithm, SigningHash.Digest(algorithm, data)) });
                var results = await client.Signing.SignAsync([.. requests], CancellationToken.None);
                foreach (var r in results)
                {
                    Assert.Null(r.Error);
                    Assert.True(OpenSslVerifier.Verify(spki, hash, data, r.Signature!), $"{provider} {algorithm.ToName()}: openssl does not verify the signature with {hash ?? "pure Ed25519"}");
                    Assert.Equal(hash is null ? "" : SigningHash.Format(algorithm, SigningHash.Digest(algorithm, data)), r.Digest);
                }
                // The key test (stella keys verify) signs through the same signer.
                Assert.True((await client.Keys.TestAsync(key.Id, KeyOperation.Sign, CancellationToken.None)).Success);
            }
    }

    [Fact]
    public async Task Signing_Sign_and_the_attestor_cut_a_batch_into_the_same_provider_calls_of_the_one_batch_signer()
    {
        await using var client = await _daemon.ConnectAsync();
        await client.Keys.GenerateAsync(new KeyGenerationRequest { Algorithm = KeyAlgorithm.EcdsaP256, Provider = KeyProvider.Hsm }, CancellationToken.None);
        const int Items = 256;
        var before = await CallsAsync(client);

        var digests = Enumerable.Range(0, Items).Select(i => new SignRequest { Digest = SigningHash.Format(KeyAlgorithm.EcdsaP256, SigningHash.Digest(KeyAlgorithm.EcdsaP256, BitConverter.GetBytes(i))) });
        Assert.All(await client.Signing.SignAsync([.. digests], CancellationToken.None), r => Assert.Null(r.Error));
        var attestations = Enumerable.Range(0, Items).Select(i => new AttestationRequest
        {
            Type = "test",
            Force = true,
            Subjects = [new AttestationSubject { Name = $"artifact-{i}", Digest = new Dictionary<string, string> { ["sha256"] = Convert.ToHexStringLower(SigningHash.Digest(KeyAlgorithm.EcdsaP256, BitConverter.GetBytes(i))) } }],
        });
        Assert.All(await client.Attest.CreateAsync([.. attestations], null, CancellationToken.None), r => Assert.Equal(AttestationStatus.Signed, r.Attestation!.Status));

        var after = await CallsAsync(client);
        // 256 items on a pool of 4 sessions: 4 provider calls of 64 each, whichever entry point asked.
        var sign = after.GetValueOrDefault("signing.Sign") - before.GetValueOrDefault("signing.Sign");
        var attest = after.GetValueOrDefault("attestor") - before.GetValueOrDefault("attestor");
        Assert.Equal(Items / 64, sign);
        Assert.Equal(sign, attest);
    }

    private static async Task<Dictionary<string, double>> CallsAsync(OpsClient client)
        => (await client.System.GetMetricsAsync("signing_provider_calls_total", CancellationToken.None))
            .Where(m => m.Tags.ContainsKey("entry"))
            .ToDictionary(m => m.Tags["entry"], m => m.Value);

    private static async Task<byte[]> SpkiAsync(OpsClient client, string keyId)
    {
        var pem = (await client.Keys.GetPublicKeyAsync(keyId, CancellationToken.None)).Pem;
        var body = string.Concat(pem.Split('\n').Where(l => l.Length > 0 && !l.StartsWith("-----", StringComparison.Ordinal)));
        return Convert.FromBase64String(body.Trim());
    }
}
