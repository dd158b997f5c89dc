using System.Formats.Asn1;
using StellaOps.Ops.Contracts;

namespace StellaOps.Ops.Hsm;

/// <summary>DER helpers: curve parameters for key generation and SubjectPublicKeyInfo from PKCS#11 attributes.</summary>
public static class KeyEncoding
{
    public const string OidEcPublicKey = "1.2.840.10045.2.1";
    public const string OidP256 = "1.2.840.10045.3.1.7";
    public const string OidP384 = "1.3.132.0.34";
    public const string OidRsaEncryption = "1.2.840.113549.1.1.1";
    public const string OidEd25519 = "1.3.101.112";

    /// <summary>CKA_EC_PARAMS (DER OID) for an EC/EdDSA algorithm.</summary>
    public static byte[] EcParams(KeyAlgorithm algorithm) => Oid(algorithm switch
    {
        KeyAlgorithm.EcdsaP256 => OidP256,
        KeyAlgorithm.EcdsaP384 => OidP384,
        KeyAlgorithm.Ed25519 => OidEd25519,
        _ => throw new ArgumentOutOfRangeException(nameof(algorithm), algorithm, "not an EC algorithm"),
    });

    /// <summary>The algorithm whose curve CKA_EC_PARAMS names, or null (unknown curve or not a DER OID, e.g. a PrintableString "edwards25519").</summary>
    public static KeyAlgorithm? AlgorithmFromEcParams(byte[]? ecParams)
    {
        if (ecParams is null || ecParams.Length == 0)
        {
            return null;
        }

        try
        {
            var reader = new AsnReader(ecParams, AsnEncodingRules.DER);
            if (reader.PeekTag().HasSameClassAndValue(new Asn1Tag(UniversalTagNumber.PrintableString)))
            {
                string name = reader.ReadCharacterString(UniversalTagNumber.PrintableString);
                return name == "edwards25519" ? KeyAlgorithm.Ed25519 : null;
            }

            return reader.ReadObjectIdentifier() switch
            {
                OidP256 => KeyAlgorithm.EcdsaP256,
                OidP384 => KeyAlgorithm.EcdsaP384,
                OidEd25519 => KeyAlgorithm.Ed25519,
                _ => null,
            };
        }
        catch (AsnContentException)
        {
            return null;
        }
    }

    /// <summary>
    /// The raw public point from CKA_EC_POINT. PKCS#11 says DER OCTET STRING; some modules return the raw point.
    /// <paramref name="expectedLength"/>: 65 (P-256), 97 (P-384), 32 (Ed25519).
    /// </summary>
    public static byte[] UnwrapEcPoint(byte[] ecPoint, int expectedLength)
    {
        if (ecPoint.Length != expectedLength)
        {
            try
            {
                var reader = new AsnReader(ecPoint, AsnEncodingRules.DER);
                byte[] inner = reader.ReadOctetString();
                if (!reader.HasData && inner.Length == expectedLength)
                {
                    return inner;
                }
            }
            catch (AsnContentException)
            {
            }
        }

        if (ecPoint.Length == expectedLength)
        {
            return ecPoint;
        }

        throw new HsmException(HsmErrorKind.Other, $"Unexpected CKA_EC_POINT encoding ({ecPoint.Length} bytes, expected a {expectedLength}-byte point).");
    }

    public static int PointLength(KeyAlgorithm algorithm) => algorithm switch
    {
        KeyAlgorithm.EcdsaP256 => 65,
        KeyAlgorithm.EcdsaP384 => 97,
        KeyAlgorithm.Ed25519 => 32,
        _ => throw new ArgumentOutOfRangeException(nameof(algorithm)),
    };

    /// <summary>SPKI for an EC (ECDSA) or Ed25519 public key from CKA_EC_POINT.</summary>
    public static byte[] EcSpki(KeyAlgorithm algorithm, byte[] ecPoint)
    {
        byte[] point = UnwrapEcPoint(ecPoint, PointLength(algorithm));
        var w = new AsnWriter(AsnEncodingRules.DER);
        using (w.PushSequence())
        {
            using (w.PushSequence())
            {
                if (algorithm == KeyAlgorithm.Ed25519)
                {
                    w.WriteObjectIdentifier(OidEd25519); // RFC 8410: parameters absent
                }
                else
                {
                    w.WriteObjectIdentifier(OidEcPublicKey);
                    w.WriteObjectIdentifier(algorithm == KeyAlgorithm.EcdsaP256 ? OidP256 : OidP384);
                }
            }

            w.WriteBitString(point);
        }

        return w.Encode();
    }

    /// <summary>SPKI for an RSA public key from CKA_MODULUS and CKA_PUBLIC_EXPONENT (big-endian unsigned).</summary>
    public static byte[] RsaSpki(byte[] modulus, byte[] exponent)
    {
        var inner = new AsnWriter(AsnEncodingRules.DER);
        using (inner.PushSequence())
        {
            inner.WriteIntegerUnsigned(TrimLeadingZeros(modulus));
            inner.WriteIntegerUnsigned(TrimLeadingZeros(exponent));
        }

        var w = new AsnWriter(AsnEncodingRules.DER);
        using (w.PushSequence())
        {
            using (w.PushSequence())
            {
                w.WriteObjectIdentifier(OidRsaEncryption);
                w.WriteNull();
            }

            w.WriteBitString(inner.Encode());
        }

        return w.Encode();
    }

    private static byte[] Oid(string oid)
    {
        var w = new AsnWriter(AsnEncodingRules.DER);
        w.WriteObjectIdentifier(oid);
        return w.Encode();
    }

    private static ReadOnlySpan<byte> TrimLeadingZeros(byte[] value)
    {
        int i = 0;
        while (i < value.Length - 1 && value[i] == 0)
        {
            i++;
        }

        return value.AsSpan(i);
    }
}
