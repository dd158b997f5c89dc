namespace StellaOps.Ops.Transparency.Entries;

/// <summary>
/// An RFC 6962 inclusion proof of one entry with the signed checkpoint (C2SP signed note) it is computed against.
/// <see cref="LogIndex"/> is the index in the tree the proof is for (a Rekor v1 shard's own index).
/// </summary>
public sealed record InclusionProof(long LogIndex, byte[] RootHash, long TreeSize, IReadOnlyList<byte[]> Hashes, string Checkpoint);
