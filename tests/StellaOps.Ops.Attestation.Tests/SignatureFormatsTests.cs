using System.Security.Cryptography;
using StellaOps.Ops.Attestation.Signing;
using StellaOps.Ops.Contracts;

namespace StellaOps.Ops.Attestation.Tests;

public class SignatureFormatsTests
{
    [Fact]
    public void P1363_to_der_by_hand_with_leading_zero_and_high_bit()
    {
        // r = 00 00 01 02 … (leading zeros stripped), s = 80 … (high bit set: DER needs a 0x00 prefix).
        var r = new byte[32];
        r[2] = 0x01; r[31] = 0x02;
        var s = new byte[32];
        s[0] = 0x80; s[31] = 0x7f;
        var der = SignatureFormats.P1363ToDer([.. r, .. s], KeyAlgorithm.EcdsaP256);

        byte[] expected = [0x30, (byte)(2 + 30 + 2 + 33), 0x02, 30, .. r[2..], 0x02, 33, 0x00, .. s];
        Assert.Equal(expected, der);
        Assert.Equal([.. r, .. s], SignatureFormats.DerToP1363(der, KeyAlgorithm.EcdsaP256));
    }

    [Theory]
    [InlineData("ecdsa-p256")]
    [InlineData("ecdsa-p384")]
    public void Round_trips_real_signatures_both_ways(string name)
    {
        var algorithm = KeyAlgorithmNames.Parse(name);
        using var ec = ECDsa.Create(algorithm == KeyAlgorithm.EcdsaP256 ? ECCurve.NamedCurves.nistP256 : ECCurve.NamedCurves.nistP384);
        var hash = KeyAlgorithms.Hash(algorithm)!.Value;
        for (var i = 0; i < 64; i++)
        {
            var data = BitConverter.GetBytes(i);
            var raw = ec.SignData(data, hash, DSASignatureFormat.IeeeP1363FixedFieldConcatenation);
            var der = SignatureFormats.P1363ToDer(raw, algorithm);
            Assert.True(ec.VerifyData(data, der, hash, DSASignatureFormat.Rfc3279DerSequence));
            Assert.Equal(raw, SignatureFormats.DerToP1363(der, algorithm));

            var dotnetDer = ec.SignData(data, hash, DSASignatureFormat.Rfc3279DerSequence);
            Assert.True(ec.VerifyData(data, SignatureFormats.DerToP1363(dotnetDer, algorithm), hash, DSASignatureFormat.IeeeP1363FixedFieldConcatenation));
        }
    }

    [Fact]
    public void Rejects_wrong_lengths_and_bad_der()
    {
        Assert.Throws<ArgumentException>(() => SignatureFormats.P1363ToDer(new byte[63], KeyAlgorithm.EcdsaP256));
        Assert.Throws<ArgumentException>(() => SignatureFormats.P1363ToDer(new byte[64], KeyAlgorithm.EcdsaP384));
        Assert.Throws<ArgumentException>(() => SignatureFormats.P1363ToDer(new byte[383], KeyAlgorithm.Rsa3072));
        Assert.Equal(new byte[64], SignatureFormats.P1363ToDer(new byte[64], KeyAlgorithm.Ed25519));

        var good = SignatureFormats.P1363ToDer([.. Enumerable.Repeat((byte)1, 64)], KeyAlgorithm.EcdsaP256);
        Assert.Throws<FormatException>(() => SignatureFormats.DerToP1363([.. good, 0x00], KeyAlgorithm.EcdsaP256)); // trailing byte
        Assert.Throws<FormatException>(() => SignatureFormats.DerToP1363([0x30, 0x06, 0x02, 0x01, 0xff, 0x02, 0x01, 0x01], KeyAlgorithm.EcdsaP256)); // negative r
        byte[] tooBig = [0x30, 0x26, 0x02, 0x21, 0x01, .. new byte[32], 0x02, 0x01, 0x01]; // 33-byte r on P-256
        Assert.Throws<FormatException>(() => SignatureFormats.DerToP1363(tooBig, KeyAlgorithm.EcdsaP256));
        Assert.False(SignatureFormats.IsDerEcdsa(new byte[64], KeyAlgorithm.EcdsaP256));
    }
}
