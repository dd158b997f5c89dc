namespace StellaOps.Ops.Attestation.Merkle;

/// <summary>
/// The RFC 6962 shapes of a tree, independent of where its hashes live: MTH of a range of leaves over the stored
/// complete subtrees (level l, index i: the root of leaves i·2^l … (i+1)·2^l − 1), and which ranges' hashes make an
/// inclusion proof (§2.1.1 PATH) or a consistency proof (§2.1.2 PROOF). <see cref="MerkleTreeBuilder"/> answers the
/// nodes from memory, a tile reader (C2SP tlog-tiles) from a log's tiles; <see cref="MerkleTree"/> verifies.
/// </summary>
public static class MerkleSubtrees
{
    /// <summary>MTH(D[start : start+count]) (count ≥ 1), each complete aligned subtree's hash asked of <paramref name="node"/>.</summary>
    public static byte[] Hash(long start, long count, Func<int, long, byte[]> node)
    {
        if ((count & (count - 1)) == 0 && start % count == 0)
        {
            var level = System.Numerics.BitOperations.Log2((ulong)count);
            return node(level, start >> level);
        }
        var k = LargestPowerOfTwoBelow(count);
        return MerkleTree.NodeHash(Hash(start, k, node), Hash(start + k, count - k, node));
    }

    /// <summary>The complete aligned subtrees (level, index) whose hashes <see cref="Hash"/> reads for this range.</summary>
    public static IEnumerable<(int Level, long Index)> Nodes(long start, long count)
    {
        var nodes = new List<(int, long)>();
        Hash(start, count, (level, index) =>
        {
            nodes.Add((level, index));
            return new byte[MerkleTree.HashSize];
        });
        return nodes;
    }

    /// <summary>The ranges whose hashes, in order, are the inclusion proof of leaf <paramref name="index"/> in the tree of <paramref name="size"/>.</summary>
    public static IReadOnlyList<(long Start, long Count)> InclusionPath(long index, long size)
    {
        if (index < 0 || index >= size) throw new ArgumentOutOfRangeException(nameof(index));
        var path = new List<(long, long)>();
        Path(index, 0, size, path);
        return path;
    }

    /// <summary>The ranges whose hashes, in order, are the consistency proof from the tree of <paramref name="size1"/> to that of <paramref name="size2"/>.</summary>
    public static IReadOnlyList<(long Start, long Count)> ConsistencyPath(long size1, long size2)
    {
        if (size1 < 0 || size1 > size2) throw new ArgumentOutOfRangeException(nameof(size1));
        var path = new List<(long, long)>();
        if (size1 == 0 || size1 == size2) return path;
        SubProof(size1, 0, size2, true, path);
        return path;
    }

    /// <summary>The largest power of two strictly smaller than <paramref name="n"/> (n ≥ 2).</summary>
    public static long LargestPowerOfTwoBelow(long n) => 1L << System.Numerics.BitOperations.Log2((ulong)(n - 1));

    private static void Path(long m, long start, long count, List<(long, long)> path)
    {
        if (count <= 1) return;
        var k = LargestPowerOfTwoBelow(count);
        if (m < k)
        {
            Path(m, start, k, path);
            path.Add((start + k, count - k));
        }
        else
        {
            Path(m - k, start + k, count - k, path);
            path.Add((start, k));
        }
    }

    private static void SubProof(long m, long start, long count, bool complete, List<(long, long)> path)
    {
        if (m == count)
        {
            if (!complete) path.Add((start, count));
            return;
        }
        var k = LargestPowerOfTwoBelow(count);
        if (m <= k)
        {
            SubProof(m, start, k, complete, path);
            path.Add((start + k, count - k));
        }
        else
        {
            SubProof(m - k, start + k, count - k, false, path);
            path.Add((start, k));
        }
    }
}
