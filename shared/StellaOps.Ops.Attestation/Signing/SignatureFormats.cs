using System.Formats.Asn1;
using StellaOps.Ops.Contracts;

namespace StellaOps.Ops.Attestation.Signing;

/// <summary>
/// Conversions between what signers produce and the DSSE wire format. HSMs (PKCS#11 <c>CKM_ECDSA</c>) return
/// ECDSA signatures as raw <c>r‖s</c> (IEEE P1363); DSSE and Sigstore want ASN.1 DER
/// <c>SEQUENCE { INTEGER r, INTEGER s }</c>. RSA PKCS#1 v1.5 and Ed25519 signatures are the same in both worlds.
/// </summary>
public static class SignatureFormats
{
    /// <summary>
    /// Raw signature → DSSE wire format. For ECDSA, <paramref name="rs"/> must be exactly 2×field bytes (64 for P-256,
    /// 96 for P-384) and the result is DER. For rsa-3072 (384 bytes) and ed25519 (64 bytes) the input is already the
    /// wire format and is returned as a copy after a length check.
    /// </summary>
    public static byte[] P1363ToDer(byte[] rs, KeyAlgorithm algorithm)
    {
        ArgumentNullException.ThrowIfNull(rs);
        if (!KeyAlgorithms.IsEcdsa(algorithm))
        {
            RequireLength(rs, algorithm);
            return (byte[])rs.Clone();
        }
        var n = KeyAlgorithms.EcdsaFieldBytes(algorithm);
        if (rs.Length != 2 * n)
        {
            throw new ArgumentException($"A raw {algorithm.ToName()} signature is {2 * n} bytes (r‖s); got {rs.Length}.", nameof(rs));
        }
        var writer = new AsnWriter(AsnEncodingRules.DER);
        using (writer.PushSequence())
        {
            writer.WriteIntegerUnsigned(TrimLeadingZeros(rs.AsSpan(0, n)));
            writer.WriteIntegerUnsigned(TrimLeadingZeros(rs.AsSpan(n, n)));
        }
        return writer.Encode();
    }

    /// <summary>
    /// DSSE wire format → raw. For ECDSA, strict DER <c>SEQUENCE { r, s }</c> → fixed-width <c>r‖s</c>; throws
    /// <see cref="FormatException"/> on anything else (trailing bytes, negative or oversized integers, BER).
    /// For rsa-3072 and ed25519 returns a copy after a length check.
    /// </summary>
    public static byte[] DerToP1363(byte[] der, KeyAlgorithm algorithm)
        => TryDerToP1363(der, algorithm, out var rs, out var error) ? rs : throw new FormatException(error);

    public static bool TryDerToP1363(ReadOnlySpan<byte> der, KeyAlgorithm algorithm, out byte[] rs, out string error)
    {
        rs = [];
        error = "";
        if (!KeyAlgorithms.IsEcdsa(algorithm))
        {
            var expected = ExpectedLength(algorithm);
            if (der.Length != expected)
            {
                error = $"A {algorithm.ToName()} signature is {expected} bytes; got {der.Length}.";
                return false;
            }
            rs = der.ToArray();
            return true;
        }
        var n = KeyAlgorithms.EcdsaFieldBytes(algorithm);
        try
        {
            var reader = new AsnReader(der.ToArray(), AsnEncodingRules.DER);
            var seq = reader.ReadSequence();
            reader.ThrowIfNotEmpty();
            var r = seq.ReadIntegerBytes().Span;
            var s = seq.ReadIntegerBytes().Span;
            seq.ThrowIfNotEmpty();
            var result = new byte[2 * n];
            if (!TryPlace(r, result.AsSpan(0, n), out error) || !TryPlace(s, result.AsSpan(n, n), out error)) return false;
            rs = result;
            return true;
        }
        catch (AsnContentException e)
        {
            error = $"Not a DER ECDSA signature: {e.Message}";
            return false;
        }
    }

    /// <summary>True when <paramref name="signature"/> parses as a strict-DER ECDSA signature for the curve.</summary>
    public static bool IsDerEcdsa(ReadOnlySpan<byte> signature, KeyAlgorithm algorithm)
        => KeyAlgorithms.IsEcdsa(algorithm) && TryDerToP1363(signature, algorithm, out _, out _);

    internal static int ExpectedLength(KeyAlgorithm algorithm) => algorithm switch
    {
        KeyAlgorithm.Rsa3072 => 384,
        KeyAlgorithm.Ed25519 => 64,
        _ => 2 * KeyAlgorithms.EcdsaFieldBytes(algorithm),
    };

    private static void RequireLength(byte[] sig, KeyAlgorithm algorithm)
    {
        var expected = ExpectedLength(algorithm);
        if (sig.Length != expected)
        {
            throw new ArgumentException($"A {algorithm.ToName()} signature is {expected} bytes; got {sig.Length}.", nameof(sig));
        }
    }

    private static ReadOnlySpan<byte> TrimLeadingZeros(ReadOnlySpan<byte> value)
    {
        var i = 0;
        while (i < value.Length - 1 && value[i] == 0) i++;
        return value[i..];
    }

    private static bool TryPlace(ReadOnlySpan<byte> integer, Span<byte> target, out string error)
    {
        error = "";
        if (integer.Length > 0 && (integer[0] & 0x80) != 0)
        {
            error = "ECDSA signature integer is negative.";
            return false;
        }
        var value = TrimLeadingZeros(integer);
        if (value.Length > target.Length)
        {
            error = $"ECDSA signature integer is {value.Length} bytes; the curve allows {target.Length}.";
            return false;
        }
        target.Clear();
        value.CopyTo(target[(target.Length - value.Length)..]);
        return true;
    }
}
