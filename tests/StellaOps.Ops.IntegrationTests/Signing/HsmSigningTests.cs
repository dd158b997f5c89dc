using System.Security.Cryptography;
using StellaOps.Ops.Contracts;
using StellaOps.Ops.Contracts.Client;
using StellaOps.Ops.Contracts.Rpc;
using StellaOps.Ops.TestSupport;
using static StellaOps.Ops.IntegrationTests.Hsm.HsmTestHost;

namespace StellaOps.Ops.IntegrationTests.Signing;

/// <summary>signing.Sign against the real daemon and a real SoftHSM2 token (issue #3).</summary>
public sealed class HsmSigningTests : IAsyncLifetime
{
    private const int PoolSize = 4;
    private SoftHsmToken _token = null!;
    private DaemonProcess _daemon = null!;

    public async Task InitializeAsync()
    {
        _token = SoftHsmToken.Create(pin: "246810");
        _daemon = new DaemonProcess();
        var pinFile = WritePinFile(_daemon, "primary.pin", _token.Pin);
        var member = new
        {
            LibraryPath = SoftHsmLibrary,
            TokenLabel = _token.Label,
            PinFile = pinFile,
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
    public async Task Parallel_signing_from_several_clients_uses_several_sessions_and_no_session_is_used_by_two_threads_at_once()
    {
        await using var admin = await _daemon.ConnectAsync();
        var key = await admin.Keys.GenerateAsync(new KeyGenerationRequest { Algorithm = KeyAlgorithm.EcdsaP256, Provider = KeyProvider.Hsm, Name = "parallel" }, CancellationToken.None);
        await admin.Keys.ActivateAsync(key.Id, CancellationToken.None);
        using var verify = await SigningVerify.ForAsync(admin, key);

        const int clients = 4, batches = 6, perBatch = 64;
        var clientTasks = Enumerable.Range(0, clients).Select(c => Task.Run(async () =>
        {
            await using var client = await _daemon.ConnectAsync();
            var signed = new List<(byte[] Digest, SignResult Result)>();
            // Each client keeps all its batches outstanding at once, as Invoke-StellaSign does.
            var sent = Enumerable.Range(0, batches).Select(b =>
            {
                var digests = Enumerable.Range(0, perBatch).Select(i => SHA256.HashData(BitConverter.GetBytes(c * 1_000_000 + b * 1000 + i))).ToArray();
                var requests = digests.Select(d => new SignRequest { Digest = "sha256:" + Convert.ToHexStringLower(d) }).ToArray();
                return (digests, answer: client.Signing.SignAsync(requests, CancellationToken.None));
            }).ToList();
            foreach (var (digests, answer) in sent)
            {
                var results = await answer;
                Assert.Equal(digests.Length, results.Length);
                signed.AddRange(digests.Zip(results));
            }
            return signed;
        })).ToList();
        var all = (await Task.WhenAll(clientTasks)).SelectMany(x => x).ToList();

        Assert.Equal(clients * batches * perBatch, all.Count);
        foreach (var (digest, result) in all)
        {
            Assert.Null(result.Error);
            Assert.Equal(key.Id, result.KeyId);
            Assert.Equal(KeyAlgorithm.EcdsaP256, result.Algorithm);
            Assert.Equal("sha256:" + Convert.ToHexStringLower(digest), result.Digest);
            Assert.True(verify.VerifiesDigest(digest, result.Signature!), $"signature over {result.Digest} does not verify");
        }

        var member = Assert.Single((await admin.Hsm.GetStatusAsync(CancellationToken.None)).Members);
        Assert.Equal(0, member.ConcurrentUseViolations);
        Assert.InRange(member.PeakSessionsInUse, 2, PoolSize);
        Assert.InRange(member.SessionsOpened, 2, PoolSize);
        Assert.Equal(PoolSize, member.PoolSize);
    }

    [Fact]
    public async Task Hsm_keys_sign_digests_and_data_that_verify_and_a_bad_item_fails_alone()
    {
        await using var client = await _daemon.ConnectAsync();
        var p384 = await client.Keys.GenerateAsync(new KeyGenerationRequest { Algorithm = KeyAlgorithm.EcdsaP384, Provider = KeyProvider.Hsm }, CancellationToken.None);
        var rsa = await client.Keys.GenerateAsync(new KeyGenerationRequest { Algorithm = KeyAlgorithm.Rsa3072, Provider = KeyProvider.Hsm }, CancellationToken.None);
        var data = "release-1.2.3.tar.gz contents"u8.ToArray();
        var sha256 = SHA256.HashData(data);
        var sha384 = SHA384.HashData(data);

        var results = await client.Signing.SignAsync(
        [
            new SignRequest { KeyId = p384.Id, Digest = "sha384:" + Convert.ToHexString(sha384) }, // upper-case hex is fine
            new SignRequest { KeyId = p384.Id, Data = data },
            new SignRequest { KeyId = rsa.Id, Digest = Convert.ToHexStringLower(sha256) },          // bare hex: sha256 by its length
            new SignRequest { KeyId = rsa.Id, Data = data },
            new SignRequest { KeyId = p384.Id, Digest = "sha256:" + Convert.ToHexStringLower(sha256) }, // wrong hash for P-384
            new SignRequest { KeyId = rsa.Id, Digest = "sha256:xyz" },
            new SignRequest { KeyId = rsa.Id, Data = data, Digest = "sha256:" + Convert.ToHexStringLower(sha256) },
            new SignRequest { KeyId = new string('0', 64), Digest = "sha256:" + Convert.ToHexStringLower(sha256) },
        ], CancellationToken.None);

        using (var v = await SigningVerify.ForAsync(client, p384))
        {
            Assert.True(v.VerifiesDigest(sha384, results[0].Signature!));
            Assert.True(v.VerifiesData(data, results[1].Signature!));
            Assert.Equal("sha384:" + Convert.ToHexStringLower(sha384), results[1].Digest);
        }
        using (var v = await SigningVerify.ForAsync(client, rsa))
        {
            Assert.True(v.VerifiesDigest(sha256, results[2].Signature!));
            Assert.True(v.VerifiesData(data, results[3].Signature!));
            // PKCS#1 v1.5 is deterministic: the prehashed path (CKM_RSA_PKCS over DigestInfo) equals CKM_SHA256_RSA_PKCS over the data.
            Assert.Equal(results[2].Signature, results[3].Signature);
        }

        Assert.Equal(OpsErrorCode.InvalidArgument, results[4].Error?.Code);
        Assert.Contains("sha384", results[4].Error!.Message);
        Assert.Equal(OpsErrorCode.InvalidArgument, results[5].Error?.Code);
        Assert.Equal(OpsErrorCode.InvalidArgument, results[6].Error?.Code);
        Assert.Contains("exactly one of Data and Digest", results[6].Error!.Message);
        Assert.Equal(OpsErrorCode.KeyNotFound, results[7].Error?.Code);
        Assert.All(results[4..], r => Assert.Null(r.Signature));
        Assert.DoesNotContain(_token.Pin, _daemon.Output, StringComparison.Ordinal);
    }

    // Issue 10 item 1: one hash rule for every provider and algorithm, checked by an independent verifier (openssl),
    // and one batch signer behind signing.Sign and the attestor.
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
