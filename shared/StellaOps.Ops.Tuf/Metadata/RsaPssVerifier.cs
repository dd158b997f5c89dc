using System.Numerics;
using System.Security.Cryptography;

namespace StellaOps.Ops.Tuf;

/// <summary>
/// RSASSA-PSS verification (RFC 8017 §8.1.2, EMSA-PSS-VERIFY §9.1.2, MGF1 with the message hash) that recovers the
/// salt length from the encoded message, as python-tuf's securesystemslib does (<c>PSS.AUTO</c>): a signer may use
/// any salt length from 0 to the maximum (emLen − hLen − 2), not only the digest length that
/// <see cref="RSASignaturePadding.Pss"/> verifies. Public-key operations only; nothing here is secret.
/// </summary>
public static class RsaPssVerifier
{
    public static bool Verify(RSAParameters key, ReadOnlySpan<byte> signature, ReadOnlySpan<byte> data, HashAlgorithmName hash)
    {
        if (key.Modulus is not { Length: > 0 } modulusBytes || key.Exponent is not { Length: > 0 } exponentBytes) return false;
        var n = new BigInteger(modulusBytes, isUnsigned: true, isBigEndian: true);
        var e = new BigInteger(exponentBytes, isUnsigned: true, isBigEndian: true);
        var k = (int)((n.GetBitLength() + 7) / 8);
        // §8.1.2 step 1: the signature is exactly k octets; RSAVP1 needs s < n.
        if (signature.Length != k) return false;
        var s = new BigInteger(signature, isUnsigned: true, isBigEndian: true);
        if (s >= n) return false;
        var m = BigInteger.ModPow(s, e, n);
        var emBits = (int)n.GetBitLength() - 1;
        var emLen = (emBits + 7) / 8;
        // I2OSP(m, emLen): m must fit (when emBits is a multiple of 8, emLen = k - 1).
        var em = new byte[emLen];
        if (m.GetByteCount(isUnsigned: true) > emLen) return false;
        m.TryWriteBytes(em.AsSpan(emLen - m.GetByteCount(isUnsigned: true)), out _, isUnsigned: true, isBigEndian: true);
        return EmsaPssVerify(data, em, emBits, hash);
    }

    private static bool EmsaPssVerify(ReadOnlySpan<byte> message, byte[] em, int emBits, HashAlgorithmName hash)
    {
        var mHash = Hash(hash, message);
        var hLen = mHash.Length;
        var emLen = em.Length;
        // §9.1.2 step 3 with the smallest salt (0): anything shorter cannot hold a PSS encoding.
        if (emLen < hLen + 2 || em[^1] != 0xbc) return false;
        var dbLen = emLen - hLen - 1;
        var h = em.AsSpan(dbLen, hLen);
        var unusedBits = 8 * emLen - emBits;
        var topMask = (byte)(0xFF >> unusedBits);
        if ((em[0] & ~topMask) != 0) return false;
        var db = Mgf1(hash, h, dbLen);
        for (var i = 0; i < dbLen; i++) db[i] ^= em[i];
        db[0] &= topMask;
        // DB = PS (zeros) || 0x01 || salt: the first non-zero octet is the separator, what follows is the salt.
        var separator = Array.FindIndex(db, b => b != 0);
        if (separator < 0 || db[separator] != 0x01) return false;
        var salt = db.AsSpan(separator + 1);
        var mPrime = new byte[8 + hLen + salt.Length];
        mHash.CopyTo(mPrime, 8);
        salt.CopyTo(mPrime.AsSpan(8 + hLen));
        return CryptographicOperations.FixedTimeEquals(Hash(hash, mPrime), h);
    }

    private static byte[] Mgf1(HashAlgorithmName hash, ReadOnlySpan<byte> seed, int length)
    {
        var mask = new byte[length];
        var block = new byte[seed.Length + 4];
        seed.CopyTo(block);
        for (uint counter = 0, offset = 0; offset < length; counter++)
        {
            System.Buffers.Binary.BinaryPrimitives.WriteUInt32BigEndian(block.AsSpan(seed.Length), counter);
            var digest = Hash(hash, block);
            var take = Math.Min(digest.Length, length - (int)offset);
            digest.AsSpan(0, take).CopyTo(mask.AsSpan((int)offset));
            offset += (uint)take;
        }
        return mask;
    }

    private static byte[] Hash(HashAlgorithmName hash, ReadOnlySpan<byte> data) =>
        hash == HashAlgorithmName.SHA256 ? SHA256.HashData(data)
        : hash == HashAlgorithmName.SHA384 ? SHA384.HashData(data)
        : hash == HashAlgorithmName.SHA512 ? SHA512.HashData(data)
        : throw new ArgumentException($"{hash.Name} is not a PSS hash this client knows.", nameof(hash));
}
