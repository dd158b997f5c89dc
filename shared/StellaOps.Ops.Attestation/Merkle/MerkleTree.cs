using System.Security.Cryptography;

namespace StellaOps.Ops.Attestation.Merkle;

/// <summary>
/// RFC 6962 / RFC 9162 Merkle tree hashing and proof verification, as used by Rekor and Certificate Transparency:
/// leaf = SHA-256(0x00 ‖ data), node = SHA-256(0x01 ‖ left ‖ right), the empty tree's root = SHA-256("").
/// Verification follows RFC 9162 §2.1.3.2 (inclusion) and §2.1.4.2 (consistency). Proof hashes are accepted as
/// bytes or as hex (as Rekor's API returns them). The verify methods never throw for bad proofs; they return false.
/// </summary>
public static class MerkleTree
{
    public const int HashSize = 32;

    public static byte[] LeafHash(ReadOnlySpan<byte> data)
    {
        using var h = IncrementalHash.CreateHash(HashAlgorithmName.SHA256);
        h.AppendData([0x00]);
        h.AppendData(data);
        return h.GetHashAndReset();
    }

    public static byte[] NodeHash(ReadOnlySpan<byte> left, ReadOnlySpan<byte> right)
    {
        using var h = IncrementalHash.CreateHash(HashAlgorithmName.SHA256);
        h.AppendData([0x01]);
        h.AppendData(left);
        h.AppendData(right);
        return h.GetHashAndReset();
    }

    /// <summary>MTH(D[n]) over raw leaf data, by the RFC's recursive definition (for building and checking trees).</summary>
    public static byte[] RootHash(IReadOnlyList<byte[]> leaves)
    {
        ArgumentNullException.ThrowIfNull(leaves);
        if (leaves.Count == 0) return SHA256.HashData(ReadOnlySpan<byte>.Empty);
        var hashes = leaves.Select(l => LeafHash(l)).ToArray();
        return RootFromLeafHashes(hashes, 0, hashes.Length);
    }

    /// <summary>MTH over already-hashed leaves.</summary>
    public static byte[] RootHashFromLeafHashes(IReadOnlyList<byte[]> leafHashes)
    {
        ArgumentNullException.ThrowIfNull(leafHashes);
        if (leafHashes.Count == 0) return SHA256.HashData(ReadOnlySpan<byte>.Empty);
        return RootFromLeafHashes(leafHashes, 0, leafHashes.Count);
    }

    private static byte[] RootFromLeafHashes(IReadOnlyList<byte[]> hashes, int start, int count)
    {
        if (count == 1) return hashes[start];
        var k = (int)MerkleSubtrees.LargestPowerOfTwoBelow(count);
        return NodeHash(RootFromLeafHashes(hashes, start, k), RootFromLeafHashes(hashes, start + k, count - k));
    }

    /// <summary>
    /// RFC 9162 §2.1.3.2: does <paramref name="proof"/> prove the leaf with hash <paramref name="leafHash"/> sits at
    /// <paramref name="leafIndex"/> in the tree of <paramref name="treeSize"/> leaves whose root is <paramref name="rootHash"/>?
    /// </summary>
    public static bool VerifyInclusion(long leafIndex, long treeSize, ReadOnlySpan<byte> leafHash, IReadOnlyList<byte[]> proof, ReadOnlySpan<byte> rootHash)
    {
        if (proof is null || leafIndex < 0 || treeSize <= 0 || leafIndex >= treeSize) return false;
        if (leafHash.Length != HashSize || rootHash.Length != HashSize) return false;
        if (proof.Any(p => p is null || p.Length != HashSize)) return false;

        var fn = leafIndex;
        var sn = treeSize - 1;
        var r = leafHash.ToArray();
        foreach (var p in proof)
        {
            if (sn == 0) return false;
            if ((fn & 1) == 1 || fn == sn)
            {
                r = NodeHash(p, r);
                if ((fn & 1) == 0)
                {
                    while ((fn & 1) == 0 && fn != 0)
                    {
                        fn >>= 1;
                        sn >>= 1;
                    }
                }
            }
            else
            {
                r = NodeHash(r, p);
            }
            fn >>= 1;
            sn >>= 1;
        }
        return sn == 0 && CryptographicOperations.FixedTimeEquals(r, rootHash);
    }

    /// <summary>Hex form, as Rekor returns proofs (<c>hashes</c>, <c>rootHash</c>). Malformed hex → false.</summary>
    public static bool VerifyInclusion(long leafIndex, long treeSize, string leafHashHex, IEnumerable<string> proofHex, string rootHashHex)
        => TryHex(leafHashHex, out var leaf) && TryHex(rootHashHex, out var root) && TryHexList(proofHex, out var proof)
           && VerifyInclusion(leafIndex, treeSize, leaf, proof, root);

    /// <summary>
    /// RFC 9162 §2.1.4.2: is the tree of <paramref name="size2"/> leaves (root <paramref name="root2"/>) an append-only
    /// extension of the tree of <paramref name="size1"/> leaves (root <paramref name="root1"/>)? Equal sizes need an
    /// empty proof and equal roots; size1 = 0 is consistent with anything given an empty proof.
    /// </summary>
    public static bool VerifyConsistency(long size1, long size2, ReadOnlySpan<byte> root1, ReadOnlySpan<byte> root2, IReadOnlyList<byte[]> proof)
    {
        if (proof is null || size1 < 0 || size2 < size1) return false;
        if (proof.Any(p => p is null || p.Length != HashSize)) return false;
        if (size1 == size2)
        {
            return proof.Count == 0 && root1.Length == HashSize && CryptographicOperations.FixedTimeEquals(root1, root2);
        }
        if (size1 == 0) return proof.Count == 0;
        if (root1.Length != HashSize || root2.Length != HashSize) return false;
        if (proof.Count == 0) return false;

        var path = new List<byte[]>(proof.Count + 1);
        if ((size1 & (size1 - 1)) == 0) path.Add(root1.ToArray());
        path.AddRange(proof);

        var fn = size1 - 1;
        var sn = size2 - 1;
        while ((fn & 1) == 1)
        {
            fn >>= 1;
            sn >>= 1;
        }
        var fr = path[0];
        var sr = path[0];
        for (var i = 1; i < path.Count; i++)
        {
            var c = path[i];
            if (sn == 0) return false;
            if ((fn & 1) == 1 || fn == sn)
            {
                fr = NodeHash(c, fr);
                sr = NodeHash(c, sr);
                if ((fn & 1) == 0)
                {
                    while ((fn & 1) == 0 && fn != 0)
                    {
                        fn >>= 1;
                        sn >>= 1;
                    }
                }
            }
            else
            {
                sr = NodeHash(sr, c);
            }
            fn >>= 1;
            sn >>= 1;
        }
        return sn == 0 && CryptographicOperations.FixedTimeEquals(fr, root1) && CryptographicOperations.FixedTimeEquals(sr, root2);
    }

    public static bool VerifyConsistency(long size1, long size2, string root1Hex, string root2Hex, IEnumerable<string> proofHex)
        => TryHex(root1Hex, out var r1) && TryHex(root2Hex, out var r2) && TryHexList(proofHex, out var proof)
           && VerifyConsistency(size1, size2, r1, r2, proof);

    private static bool TryHex(string? hex, out byte[] bytes)
    {
        bytes = [];
        if (hex is null || hex.Length != 2 * HashSize) return false;
        try
        {
            bytes = Convert.FromHexString(hex);
            return true;
        }
        catch (FormatException)
        {
            return false;
        }
    }

    private static bool TryHexList(IEnumerable<string>? hexes, out List<byte[]> list)
    {
        list = [];
        if (hexes is null) return false;
        foreach (var h in hexes)
        {
            if (!TryHex(h, out var b)) return false;
            list.Add(b);
        }
        return true;
    }
}
