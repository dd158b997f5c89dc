namespace StellaOps.Ops.Attestation.Merkle;

/// <summary>
/// An append-only RFC 6962 tree kept as its levels of complete subtree hashes (level 0: leaf hashes; level l: the
/// roots of aligned 2^l-leaf subtrees), which is also what C2SP tlog-tiles serves. Roots, inclusion proofs
/// (RFC 6962 §2.1.1 PATH) and consistency proofs (§2.1.2 PROOF) for any size up to the current one take
/// O(log² n) hashes (<see cref="MerkleSubtrees"/> has the shapes); <see cref="MerkleTree"/> verifies them. Not thread-safe: the owner serialises appends.
/// </summary>
public sealed class MerkleTreeBuilder
{
    private readonly List<List<byte[]>> _levels = [[]];

    public long Size => _levels[0].Count;

    /// <summary>Appends the leaf with this (already computed) leaf hash; answers its index.</summary>
    public long AppendLeafHash(byte[] leafHash)
    {
        if (leafHash.Length != MerkleTree.HashSize) throw new ArgumentException("A leaf hash is 32 bytes.", nameof(leafHash));
        var index = _levels[0].Count;
        _levels[0].Add(leafHash);
        var level = 0;
        var i = index;
        while ((i & 1) == 1)
        {
            if (_levels.Count <= level + 1) _levels.Add([]);
            _levels[level + 1].Add(MerkleTree.NodeHash(_levels[level][i - 1], _levels[level][i]));
            level++;
            i >>= 1;
        }
        return index;
    }

    /// <summary>The stored hash of the complete subtree at <paramref name="level"/>, position <paramref name="index"/>.</summary>
    public byte[] Node(int level, long index) => _levels[level][(int)index];

    /// <summary>How many complete subtree hashes level <paramref name="level"/> holds.</summary>
    public long Width(int level) => level < _levels.Count ? _levels[level].Count : 0;

    public byte[] Root(long size) => size == 0 ? System.Security.Cryptography.SHA256.HashData(ReadOnlySpan<byte>.Empty) : MerkleSubtrees.Hash(0, size, Node);

    public IReadOnlyList<byte[]> InclusionProof(long index, long size)
    {
        if (size > Size || index < 0 || index >= size) throw new ArgumentOutOfRangeException(nameof(index));
        return [.. MerkleSubtrees.InclusionPath(index, size).Select(r => MerkleSubtrees.Hash(r.Start, r.Count, Node))];
    }

    public IReadOnlyList<byte[]> ConsistencyProof(long size1, long size2)
    {
        if (size2 > Size || size1 < 0 || size1 > size2) throw new ArgumentOutOfRangeException(nameof(size1));
        return [.. MerkleSubtrees.ConsistencyPath(size1, size2).Select(r => MerkleSubtrees.Hash(r.Start, r.Count, Node))];
    }
}
