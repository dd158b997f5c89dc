using System.Text;
using StellaOps.Ops.Attestation.Dsse;
using StellaOps.Ops.Attestation.Signing;
using StellaOps.Ops.Attestation.Verification;
using StellaOps.Ops.Contracts;
using StellaOps.Ops.TestSupport;

namespace StellaOps.Ops.Hsm.Tests;

/// <summary>
/// The one hash rule, with no daemon: a key on a SoftHSM2 token (through the shared <see cref="HsmDsseSigner"/>, as
/// offline tooling signs) and a software key of every algorithm sign DSSE envelopes and digests that openssl verifies
/// with the hash <see cref="SigningHash"/> names, over exactly the PAE.
/// </summary>
public sealed class HsmDsseSignerTests
{
    private static readonly byte[] Statement = Encoding.UTF8.GetBytes("""{"_type":"https://in-toto.io/Statement/v1","subject":[],"predicateType":"https://example.test/v1"}""");

    [Theory]
    [InlineData(KeyAlgorithm.EcdsaP256)]
    [InlineData(KeyAlgorithm.EcdsaP384)]
    [InlineData(KeyAlgorithm.Rsa3072)]
    [InlineData(KeyAlgorithm.Ed25519)]
    public async Task Hsm_and_software_keys_sign_with_the_hash_the_one_rule_names_and_openssl_verifies_it(KeyAlgorithm algorithm)
    {
        using var token = TestEnvironment.DirectToken();
        await using var hsm = new HsmConnection(TestEnvironment.Direct(token));
        await hsm.ConnectAsync();
        var id = TestEnvironment.NewId();
        var hsmSpki = await hsm.GenerateKeyPairAsync(algorithm, "dsse-" + algorithm, id);
        var onToken = new HsmDsseSigner(hsm, id, algorithm, KeyIds.FromSpki(hsmSpki));

        var pair = SoftwareKeys.Generate(algorithm);
        using var software = SoftwareDsseSigner.FromKeyPair(pair);

        foreach (var (signer, spki) in new (IDigestSigner, byte[])[] { (onToken, hsmSpki), (software, pair.SubjectPublicKeyInfo) })
        {
            var envelope = await DsseEnvelopeBuilder.SignAsync(DsseEnvelope.InTotoPayloadType, Statement, [signer]);
            var pae = envelope.PreAuthenticationEncoding();
            var signature = envelope.Signatures[0].Signature;
            Assert.True(OpenSslVerifier.Verify(spki, SigningHash.Name(algorithm), pae, signature), $"{signer}: openssl does not verify the envelope with {SigningHash.Name(algorithm) ?? "pure Ed25519"}");
            Assert.False(OpenSslVerifier.Verify(spki, SigningHash.Name(algorithm), [.. pae, 0], signature));
            Assert.True(DsseVerifier.VerifySignature(new TrustedKey(spki), pae, signature, allowRawEcdsa: false, out var reason), reason);

            if (!SigningHash.SignsDigest(algorithm))
            {
                Assert.Throws<NotSupportedException>(() => { signer.SignDigestsAsync([new byte[32]]).GetAwaiter().GetResult(); });
                continue;
            }
            // A digest computed elsewhere (a file's hash sent by the module) signs to a signature over the message.
            var digest = SigningHash.Digest(algorithm, pae);
            Assert.Equal(SigningHash.Length(algorithm), digest.Length);
            var overDigest = Assert.Single(await signer.SignDigestsAsync([digest]));
            Assert.True(OpenSslVerifier.Verify(spki, SigningHash.Name(algorithm), pae, overDigest), $"{signer}: a signed digest does not verify over the message");
        }
    }
}
