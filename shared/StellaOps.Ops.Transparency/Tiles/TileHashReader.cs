using StellaOps.Ops.Attestation.Merkle;

namespace StellaOps.Ops.Transparency.Tiles;

/// <summary>
/// The hashes of a tree of <see cref="TreeSize"/> leaves read from its C2SP tlog-tiles: the tile at level L holds
/// the tree's level 8·L nodes, 256 per tile (the last one partial, <c>.p/W</c>); a node of level 8·L + r is hashed
/// up from 2^r of them. Ranges are planned by <see cref="MerkleSubtrees"/>, every tile they need is fetched once,
/// then the hashes are computed. Nothing here is trusted: the caller checks what it computes against a verified
/// checkpoint (a root, an inclusion or a consistency proof).
/// </summary>
public sealed class TileHashReader(long treeSize, Func<int, long, int, CancellationToken, Task<byte[]>> fetchTile)
{
    private readonly Dictionary<(int, long), byte[]> _tiles = [];
    private readonly Dictionary<(int, long), byte[]> _nodes = [];

    public long TreeSize { get; } = treeSize;

    /// <summary>MTH of each range, in order.</summary>
    public async Task<IReadOnlyList<byte[]>> HashesAsync(IReadOnlyList<(long Start, long Count)> ranges, CancellationToken cancellationToken)
    {
        foreach (var (start, count) in ranges)
        {
            if (start < 0 || count < 1 || start + count > TreeSize) throw new ArgumentOutOfRangeException(nameof(ranges), "a range outside the tree");
            foreach (var (level, index) in MerkleSubtrees.Nodes(start, count))
            {
                var tile = (level / 8, (index << (level % 8)) >> 8);
                if (_tiles.ContainsKey(tile)) continue;
                var width = Width(tile.Item1, tile.Item2);
                var bytes = await fetchTile(tile.Item1, tile.Item2, width, cancellationToken).ConfigureAwait(false);
                if (bytes.Length != width * MerkleTree.HashSize)
                    throw new Clients.TransparencyLogException(Clients.LogFailureReason.MalformedAnswer, $"tile {TileAddress.Path(tile.Item1, tile.Item2, width)} is {bytes.Length} bytes, not {width * MerkleTree.HashSize}");
                _tiles[tile] = bytes;
            }
        }
        return [.. ranges.Select(r => MerkleSubtrees.Hash(r.Start, r.Count, Node))];
    }

    /// <summary>The tile's width for this tree: 256, or the partial width of the last tile of its level.</summary>
    public int Width(int tileLevel, long tileIndex) => (int)Math.Min(256, (TreeSize >> (8 * tileLevel)) - tileIndex * 256);

    private byte[] Node(int level, long index)
    {
        if (_nodes.TryGetValue((level, index), out var known)) return known;
        var r = level % 8;
        var first = index << r;
        var tile = _tiles[(level / 8, first >> 8)];
        var offset = (int)(first & 255);
        var row = Enumerable.Range(0, 1 << r).Select(i => tile.AsSpan((offset + i) * MerkleTree.HashSize, MerkleTree.HashSize).ToArray()).ToList();
        while (row.Count > 1) row = [.. Enumerable.Range(0, row.Count / 2).Select(i => MerkleTree.NodeHash(row[2 * i], row[2 * i + 1]))];
        // Every entry's proof of a range asks the same upper nodes again: each is hashed up from its tile once.
        return _nodes[(level, index)] = row[0];
    }
}
