using StellaOps.Ops.Attestation.Merkle;

namespace StellaOps.Ops.Transparency.Tests;

public sealed class MerkleTreeBuilderTests
{
    private static (MerkleTreeBuilder Tree, List<byte[]> Leaves) Build(int n)
    {
        var tree = new MerkleTreeBuilder();
        var leaves = Enumerable.Range(0, n).Select(i => BitConverter.GetBytes(i * 7919)).ToList();
        foreach (var l in leaves) tree.AppendLeafHash(MerkleTree.LeafHash(l));
        return (tree, leaves);
    }

    [Fact]
    public void RootsMatchTheRecursiveDefinitionAndEveryInclusionProofVerifies()
    {
        var (tree, leaves) = Build(70);
        for (var size = 1; size <= 70; size++)
        {
            var root = tree.Root(size);
            Assert.Equal(MerkleTree.RootHash(leaves.Take(size).ToList()), root);
            for (var i = 0; i < size; i++)
                Assert.True(MerkleTree.VerifyInclusion(i, size, MerkleTree.LeafHash(leaves[i]), tree.InclusionProof(i, size), root), $"leaf {i} of {size}");
        }
    }

    [Fact]
    public void EveryConsistencyProofVerifiesAndAWrongRootDoesNot()
    {
        var (tree, _) = Build(40);
        for (var a = 1; a <= 40; a++)
            for (var b = a; b <= 40; b++)
                Assert.True(MerkleTree.VerifyConsistency(a, b, tree.Root(a), tree.Root(b), tree.ConsistencyProof(a, b)), $"{a} → {b}");
        Assert.False(MerkleTree.VerifyConsistency(5, 9, tree.Root(6), tree.Root(9), tree.ConsistencyProof(5, 9)));
    }
}
