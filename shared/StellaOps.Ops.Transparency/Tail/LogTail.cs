using System.Security.Cryptography;
using StellaOps.Ops.Attestation.Merkle;
using StellaOps.Ops.Attestation.Sigstore;
using StellaOps.Ops.Transparency.Clients;
using StellaOps.Ops.Transparency.Notes;
using StellaOps.Ops.Transparency.Verification;

namespace StellaOps.Ops.Transparency.Tail;

/// <summary>
/// Reads a log itself from a verified checkpoint: the log's latest checkpoint must be signed by its key in the trusted
/// root and be an append-only extension (RFC 9162 consistency proof) of every tree the caller verified before (a
/// caller that keeps trees from more than one source, e.g. its stored entries and its last search, gives them all: a
/// fork after either is caught);
/// then a range of entries is read (v1 by index ranges, v2 from entry tiles) and each is proved included in that head
/// (a v1 proof for a tree the log grew to meanwhile: that tree's signed checkpoint, itself consistent with the head).
/// A log that is not consistent is a <see cref="LogFailureReason.Inconsistent"/> failure, a head no trusted key signs
/// is <see cref="LogFailureReason.VerificationFailed"/>: nothing it served is answered.
/// </summary>
public static class LogTail
{
    public static Task<LogTailResult> ReadAsync(ITransparencyLogClient client, IReadOnlyList<TransparencyLogInstance> trustedLogs,
        IReadOnlyList<VerifiedTree> verified, long start, int maxEntries, DateTimeOffset now, CancellationToken cancellationToken)
        => ReadAsync(client, trustedLogs, verified, (_, _) => start, maxEntries, now, cancellationToken);

    /// <summary>
    /// As above, with the first index to read chosen once the head is verified (<paramref name="start"/> is given the log
    /// whose key signed it and the head): where to begin can depend on which log this is.
    /// </summary>
    public static async Task<LogTailResult> ReadAsync(ITransparencyLogClient client, IReadOnlyList<TransparencyLogInstance> trustedLogs,
        IReadOnlyList<VerifiedTree> verified, Func<TransparencyLogInstance, Checkpoint, long> start, int maxEntries, DateTimeOffset now, CancellationToken cancellationToken)
    {
        var name = LogOrigins.NameOf(client.BaseUrl);
        var listed = trustedLogs.Where(l => LogOrigins.NameOf(l.BaseUrl) == name).ToList();
        if (listed.Count == 0)
            throw new TransparencyLogException(LogFailureReason.VerificationFailed, $"the trusted root lists no key for log {client.BaseUrl}: its checkpoint cannot be verified");
        // The head is the log's checkpoint now, so only a key the trusted root says the log signs with now may vouch for
        // it: a key whose window has ended (the log moved to another) or not begun would otherwise let whoever holds
        // that key serve a tree of their own.
        var candidates = listed.Where(l => l.ValidFor.Contains(now)).ToList();
        if (candidates.Count == 0)
            throw new TransparencyLogException(LogFailureReason.VerificationFailed,
                $"the trusted root's key(s) for log {client.BaseUrl} are not valid now (valid {string.Join(", ", listed.Select(l => l.ValidFor))}): " +
                "its current checkpoint cannot be verified; refresh the trust material ('stella trust sync') or configure the log that replaced it");
        var note = await client.GetCheckpointAsync(cancellationToken).ConfigureAwait(false);
        TransparencyLogInstance? log = null;
        Checkpoint? head = null;
        var why = "";
        foreach (var candidate in candidates)
        {
            if (LogEntryVerifier.VerifyCheckpoint(note, candidate, out head, out why)) { log = candidate; break; }
        }
        if (log is null || head is null)
            throw new TransparencyLogException(LogFailureReason.VerificationFailed, $"the checkpoint of {client.BaseUrl} does not verify with its key in the trusted root: {why}");

        long? consistentWith = null;
        foreach (var before in verified.Where(v => v.LogId is null || v.LogId.AsSpan().SequenceEqual(log.LogId)).OrderBy(v => v.Size))
        {
            await ProveConsistentAsync(client, before.Size, before.Root, head.Size, head.RootHash, before.What, cancellationToken).ConfigureAwait(false);
            consistentWith = Math.Max(consistentWith ?? 0, before.Size);
        }

        var from = Math.Clamp(start(log, head), 0, head.Size);
        var to = Math.Min(head.Size, from + Math.Max(0, maxEntries));
        var reads = to > from ? await client.GetEntriesAsync(from, (int)(to - from), head.Size, cancellationToken).ConfigureAwait(false) : [];
        var grown = new Dictionary<long, byte[]>();
        var entries = new List<LogRead>(reads.Count);
        for (var i = 0; i < reads.Count; i++)
        {
            var (entry, uuid) = (reads[i].Entry, reads[i].Uuid);
            if (entry.Proof is not { } proof || proof.LogIndex != from + i)
                throw new TransparencyLogException(LogFailureReason.VerificationFailed, $"{client.BaseUrl} answered entry {from + i} without an inclusion proof for that index");
            var root = head.RootHash;
            if (proof.TreeSize != head.Size)
            {
                if (proof.TreeSize < head.Size)
                    throw new TransparencyLogException(LogFailureReason.Inconsistent, $"{client.BaseUrl} proved entry {proof.LogIndex} in a tree of {proof.TreeSize}, smaller than its checkpoint of {head.Size}");
                if (!grown.TryGetValue(proof.TreeSize, out root!))
                {
                    if (!LogEntryVerifier.VerifyCheckpoint(proof.Checkpoint, log, out var later, out var error) || later.Size != proof.TreeSize
                        || !CryptographicOperations.FixedTimeEquals(later.RootHash, proof.RootHash))
                        throw new TransparencyLogException(LogFailureReason.VerificationFailed, $"entry {proof.LogIndex} of {client.BaseUrl}: its checkpoint does not verify or is for another tree ({error})");
                    await ProveConsistentAsync(client, head.Size, head.RootHash, later.Size, later.RootHash, "its checkpoint read for this search", cancellationToken).ConfigureAwait(false);
                    grown[later.Size] = root = later.RootHash;
                }
            }
            if (!MerkleTree.VerifyInclusion(proof.LogIndex, proof.TreeSize, MerkleTree.LeafHash(entry.CanonicalizedBody), proof.Hashes, root))
                throw new TransparencyLogException(LogFailureReason.VerificationFailed, $"entry {proof.LogIndex} of {client.BaseUrl} is not included in its signed tree of {proof.TreeSize}: a forged entry or proof");
            entries.Add(new LogRead(entry.LogId.Length == 0 ? entry with { LogId = log.LogId } : entry, uuid));
        }
        return new LogTailResult(log, head, note, consistentWith, from, to, entries);
    }

    private static async Task ProveConsistentAsync(ITransparencyLogClient client, long size1, byte[] root1, long size2, byte[] root2, string what, CancellationToken cancellationToken)
    {
        if (size2 < size1)
            throw new TransparencyLogException(LogFailureReason.Inconsistent, $"the tree of {client.BaseUrl} shrank: its checkpoint has {size2} entries, {what} had {size1}");
        IReadOnlyList<byte[]> proof = size1 == 0 || size1 == size2 ? [] : await client.GetConsistencyProofAsync(size1, size2, cancellationToken).ConfigureAwait(false);
        if (!MerkleTree.VerifyConsistency(size1, size2, root1, root2, proof))
            throw new TransparencyLogException(LogFailureReason.Inconsistent,
                $"the tree of {client.BaseUrl} (size {size2}) is not an append-only extension of {what} (size {size1}, root {Convert.ToHexStringLower(root1)}): the log forked or rewrote its history");
    }
}
