using System.Security.Cryptography;
using StellaOps.Ops.Attestation.Merkle;

namespace StellaOps.Ops.Attestation.Tests;

/// <summary>
/// Checks against trees built here independently: roots by level-by-level hashing (odd node promoted), proofs by the
/// RFC 6962 §2.1.1/§2.1.2 recursive PATH and PROOF definitions; plus the Certificate Transparency reference vectors.
/// </summary>
public class MerkleTests
{
    private const int MaxSize = 20;

    private static readonly byte[][] Data = Enumerable.Range(0, MaxSize).Select(i => new[] { (byte)i, (byte)(i * 7), (byte)0xAB }).ToArray();
    private static readonly byte[][] Leaves = Data.Select(d => SHA256.HashData([0x00, .. d])).ToArray();

    private static byte[] Node(byte[] l, byte[] r) => SHA256.HashData([0x01, .. l, .. r]);

    // Level-by-level root: pair up, carry an odd last node up unchanged. Equals RFC 6962's MTH.
    private static byte[] LevelRoot(IReadOnlyList<byte[]> leaves)
    {
        var level = leaves.ToList();
        while (level.Count > 1)
        {
            var next = new List<byte[]>();
            for (var i = 0; i + 1 < level.Count; i += 2) next.Add(Node(level[i], level[i + 1]));
            if (level.Count % 2 == 1) next.Add(level[^1]);
            level = next;
        }
        return level[0];
    }

    private static int SplitPoint(int n) { var k = 1; while (k * 2 < n) k *= 2; return k; }

    private static List<byte[]> Path(int m, byte[][] d)
    {
        if (d.Length <= 1) return [];
        var k = SplitPoint(d.Length);
        return m < k ? [.. Path(m, d[..k]), LevelRoot(d[k..])] : [.. Path(m - k, d[k..]), LevelRoot(d[..k])];
    }

    private static List<byte[]> SubProof(int m, byte[][] d, bool b)
    {
        if (m == d.Length) return b ? [] : [LevelRoot(d)];
        var k = SplitPoint(d.Length);
        return m <= k ? [.. SubProof(m, d[..k], b), LevelRoot(d[k..])] : [.. SubProof(m - k, d[k..], false), LevelRoot(d[..k])];
    }

    [Fact]
    public void Hash_primitives_and_ct_reference_roots()
    {
        Assert.Equal(SHA256.HashData([0x00, 1, 2]), MerkleTree.LeafHash([1, 2]));
        Assert.Equal(SHA256.HashData([0x01, 1, 2]), MerkleTree.NodeHash([1], [2]));

        // RFC 6962 test vectors used by certificate-transparency and transparency-dev/merkle.
        string[] inputs = ["", "00", "10", "2021", "3031", "40414243", "5051525354555657", "606162636465666768696a6b6c6d6e6f"];
        string[] roots =
        [
            "e3b0c44298fc1c149afbf4c8996fb92427ae41e4649b934ca495991b7852b855",
            "6e340b9cffb37a989ca544e6bb780a2c78901d3fb33738768511a30617afa01d",
            "fac54203e7cc696cf0dfcb42c92a1d9dbaf70ad9e621f4bd8d98662f00e3c125",
            "aeb6bcfe274b70a14fb067a5e5578264db0fa9b51af5e0ba159158f329e06e77",
            "d37ee418976dd95753c1c73862b9398fa2a2cf9b4ff0fdfe8b30cd95209614b7",
            "4e3bbb1f7b478dcfe71fb631631519a3bca12c9aefca1612bfce4c13a86264d4",
            "76e67dadbcdf1e10e1b74ddc608abd2f98dfb16fbce75277b5232a127f2087ef",
            "ddb89be403809e325750d3d263cd78929c2942b7942a34b77e122c9594a74c8c",
            "5dc9da79a70659a9ad559cb701ded9a2ab9d823aad2f4960cfe370eff4604328",
        ];
        var data = inputs.Select(Convert.FromHexString).ToArray();
        for (var n = 0; n <= 8; n++) Assert.Equal(roots[n], Convert.ToHexStringLower(MerkleTree.RootHash(data[..n])));

        var leafHashes = data.Select(d => Convert.ToHexStringLower(MerkleTree.LeafHash(d))).ToArray();
        Assert.True(MerkleTree.VerifyInclusion(0, 8, leafHashes[0],
            ["96a296d224f285c67bee93c30f8a309157f0daa35dc5b87e410b78630a09cfc7", "5f083f0a1a33ca076a95279832580db3e0ef4584bdff1f54c8a360f50de3031e", "6b47aaf29ee3c2af9af889bc1fb9254dabd31177f16232dd6aab035ca39bf6e4"],
            roots[8]));
        Assert.True(MerkleTree.VerifyInclusion(5, 8, leafHashes[5],
            ["bc1a0643b12e4d2d7c77918f44e0f4f79a838b6cf9ec5b5c283e1f4d88599e6b", "ca854ea128ed050b41b35ffc1b87b8eb2bde461e9e3b5596ece6b9d5975a0ae0", "d37ee418976dd95753c1c73862b9398fa2a2cf9b4ff0fdfe8b30cd95209614b7"],
            roots[8]));
        Assert.False(MerkleTree.VerifyInclusion(4, 8, leafHashes[5],
            ["bc1a0643b12e4d2d7c77918f44e0f4f79a838b6cf9ec5b5c283e1f4d88599e6b", "ca854ea128ed050b41b35ffc1b87b8eb2bde461e9e3b5596ece6b9d5975a0ae0", "d37ee418976dd95753c1c73862b9398fa2a2cf9b4ff0fdfe8b30cd95209614b7"],
            roots[8]));
    }

    [Fact]
    public void Roots_match_an_independent_construction_for_sizes_1_to_20()
    {
        for (var n = 1; n <= MaxSize; n++)
        {
            Assert.Equal(LevelRoot(Leaves[..n]), MerkleTree.RootHash(Data[..n]));
            Assert.Equal(LevelRoot(Leaves[..n]), MerkleTree.RootHashFromLeafHashes(Leaves[..n]));
        }
    }

    [Fact]
    public void Inclusion_proofs_verify_for_every_index_of_every_size_and_corruptions_fail()
    {
        for (var n = 1; n <= MaxSize; n++)
        {
            var root = LevelRoot(Leaves[..n]);
            for (var i = 0; i < n; i++)
            {
                var proof = Path(i, Leaves[..n]);
                Assert.True(MerkleTree.VerifyInclusion(i, n, Leaves[i], proof, root), $"size {n} index {i}");
                Assert.True(MerkleTree.VerifyInclusion(i, n, Convert.ToHexStringLower(Leaves[i]), proof.Select(Convert.ToHexStringLower), Convert.ToHexStringLower(root)));

                // Wrong leaf, wrong index, wrong size, wrong root.
                Assert.False(MerkleTree.VerifyInclusion(i, n, Leaves[(i + 1) % MaxSize], proof, root), $"wrong leaf {n}/{i}");
                if (n > 1) Assert.False(MerkleTree.VerifyInclusion((i + 1) % n, n, Leaves[i], proof, root), $"wrong index {n}/{i}");
                // A proof for size n says nothing about the size n±1 tree (whose root differs). Note the RFC algorithm
                // alone may accept (i, n+1) against the size-n root when the path shapes coincide: the signed
                // checkpoint is what binds the size to the root.
                if (n < MaxSize) Assert.False(MerkleTree.VerifyInclusion(i, n + 1, Leaves[i], proof, LevelRoot(Leaves[..(n + 1)])), $"size+1 {n}/{i}");
                if (i < n - 1) Assert.False(MerkleTree.VerifyInclusion(i, n - 1, Leaves[i], proof, LevelRoot(Leaves[..(n - 1)])), $"size-1 {n}/{i}");
                Assert.False(MerkleTree.VerifyInclusion(i, n, Leaves[i], proof, Flip(root, 0)));
                Assert.False(MerkleTree.VerifyInclusion(i, i, Leaves[i], proof, root)); // index == size

                // Each proof element corrupted; one element dropped; one extra appended.
                for (var p = 0; p < proof.Count; p++)
                {
                    var bad = proof.ToList();
                    bad[p] = Flip(bad[p], 31);
                    Assert.False(MerkleTree.VerifyInclusion(i, n, Leaves[i], bad, root), $"corrupt {n}/{i}/{p}");
                }
                if (proof.Count > 0) Assert.False(MerkleTree.VerifyInclusion(i, n, Leaves[i], proof[..^1], root));
                Assert.False(MerkleTree.VerifyInclusion(i, n, Leaves[i], [.. proof, Leaves[0]], root));
            }
        }
        Assert.False(MerkleTree.VerifyInclusion(0, 1, "zz", [], Convert.ToHexStringLower(Leaves[0])));
    }

    [Fact]
    public void Consistency_proofs_verify_for_every_pair_of_sizes_and_corruptions_fail()
    {
        for (var n = 1; n <= MaxSize; n++)
        {
            var root2 = LevelRoot(Leaves[..n]);
            for (var m = 1; m <= n; m++)
            {
                var root1 = LevelRoot(Leaves[..m]);
                var proof = SubProof(m, Leaves[..n], true);
                Assert.True(MerkleTree.VerifyConsistency(m, n, root1, root2, proof), $"{m}->{n}");
                Assert.True(MerkleTree.VerifyConsistency(m, n, Convert.ToHexStringLower(root1), Convert.ToHexStringLower(root2), proof.Select(Convert.ToHexStringLower)));

                Assert.False(MerkleTree.VerifyConsistency(m, n, Flip(root1, 3), root2, proof), $"bad root1 {m}->{n}");
                Assert.False(MerkleTree.VerifyConsistency(m, n, root1, Flip(root2, 3), proof), $"bad root2 {m}->{n}");
                if (m < n)
                {
                    if (n < MaxSize) Assert.False(MerkleTree.VerifyConsistency(m, n + 1, root1, LevelRoot(Leaves[..(n + 1)]), proof), $"size2+1 {m}->{n}");
                    if (m > 1) Assert.False(MerkleTree.VerifyConsistency(m - 1, n, LevelRoot(Leaves[..(m - 1)]), root2, proof), $"size1-1 {m}->{n}");
                    for (var p = 0; p < proof.Count; p++)
                    {
                        var bad = proof.ToList();
                        bad[p] = Flip(bad[p], 7);
                        Assert.False(MerkleTree.VerifyConsistency(m, n, root1, root2, bad), $"corrupt {m}->{n}/{p}");
                    }
                    Assert.False(MerkleTree.VerifyConsistency(m, n, root1, root2, proof[..^1]), $"short {m}->{n}");
                    Assert.False(MerkleTree.VerifyConsistency(m, n, root1, root2, [.. proof, Leaves[0]]), $"long {m}->{n}");
                }
                else
                {
                    Assert.Empty(proof);
                    Assert.False(MerkleTree.VerifyConsistency(m, n, root1, root2, [Leaves[0]]));
                }
            }
            Assert.True(MerkleTree.VerifyConsistency(0, n, SHA256.HashData([]), root2, []));
            Assert.False(MerkleTree.VerifyConsistency(n, n - 1 < 1 ? 0 : n - 1, root2, root2, []));
        }
    }

    private static byte[] Flip(byte[] b, int at)
    {
        var c = (byte[])b.Clone();
        c[at] ^= 0x01;
        return c;
    }
}
