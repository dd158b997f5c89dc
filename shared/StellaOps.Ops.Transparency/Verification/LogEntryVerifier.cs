using System.Security.Cryptography;
using StellaOps.Ops.Attestation.Dsse;
using StellaOps.Ops.Attestation.Merkle;
using StellaOps.Ops.Attestation.Signing;
using StellaOps.Ops.Attestation.Sigstore;
using StellaOps.Ops.Attestation.Verification;
using StellaOps.Ops.Transparency.Entries;
using StellaOps.Ops.Transparency.Notes;

namespace StellaOps.Ops.Transparency.Verification;

/// <summary>
/// Checks a log entry offline against the trusted root's logs: the log is known by its log id; its key was valid
/// at the entry's time (v1: the integrated time; v2, which logs no time: the RFC 3161 signing time the caller
/// passes, else the time given as <c>fallbackTime</c>); the body is about this envelope's signature and key; the
/// SET verifies (required for v1 entries); the inclusion proof leads from the body's leaf hash to the root of a
/// checkpoint signed by the log's key for the same tree size. Never throws for bad input. With a
/// <see cref="LogVerificationCache"/> the log keys are imported once and a checkpoint already verified is not verified
/// again (every other check runs for each entry).
/// </summary>
public static class LogEntryVerifier
{
    public static LogEntryVerification Verify(LogEntry entry, DsseEnvelope envelope, ReadOnlySpan<byte> signerSpki,
        IReadOnlyList<TransparencyLogInstance> logs, DateTimeOffset? signingTime, DateTimeOffset fallbackTime, LogVerificationCache? cache = null)
    {
        var candidates = logs.Where(l => l.LogId.AsSpan().SequenceEqual(entry.LogId)).ToList();
        if (candidates.Count == 0)
            return LogEntryVerification.Fail(LogEntryProblem.UnknownLog, $"no trusted transparency log has log id {Convert.ToHexStringLower(entry.LogId)} (an unknown log, or an entry signed by a wrong log key)");
        var at = entry.IntegratedTime > 0 ? DateTimeOffset.FromUnixTimeSeconds(entry.IntegratedTime) : signingTime ?? fallbackTime;
        var log = candidates.FirstOrDefault(l => l.ValidFor.Contains(at));
        if (log is null)
            return LogEntryVerification.Fail(LogEntryProblem.LogKeyNotValid,
                $"the key of log {candidates[0].BaseUrl} was not valid at {at:O} (valid {string.Join(", ", candidates.Select(c => c.ValidFor))})", candidates[0], at);

        if (!RekorEntryBodies.Matches(entry.CanonicalizedBody, envelope, signerSpki, out var bodyReason))
            return LogEntryVerification.Fail(LogEntryProblem.BodyMismatch, bodyReason, log, at);

        if (entry.SignedEntryTimestamp is { } set)
        {
            var payload = SignedEntryTimestamp.Payload(entry);
            if (!(cache is null ? VerifyWithLogKey(log, payload, set) : cache.VerifyWithLogKey(log, payload, set)))
                return LogEntryVerification.Fail(LogEntryProblem.SignedEntryTimestampInvalid, $"the SET does not verify with the key of {log.BaseUrl}", log, at);
        }
        else if (entry.IntegratedTime > 0)
        {
            return LogEntryVerification.Fail(LogEntryProblem.SignedEntryTimestampInvalid, "a Rekor v1 entry without a SET (inclusion promise)", log, at);
        }

        if (entry.Proof is not { } proof)
            return LogEntryVerification.Fail(LogEntryProblem.InclusionProofInvalid, "the entry has no inclusion proof", log, at);
        var leaf = MerkleTree.LeafHash(entry.CanonicalizedBody);
        if (!MerkleTree.VerifyInclusion(proof.LogIndex, proof.TreeSize, leaf, proof.Hashes, proof.RootHash))
            return LogEntryVerification.Fail(LogEntryProblem.InclusionProofInvalid,
                $"the inclusion proof of index {proof.LogIndex} in a tree of {proof.TreeSize} does not lead to root {Convert.ToHexStringLower(proof.RootHash)}", log, at);
        if (!VerifyCheckpoint(proof.Checkpoint, log, cache, out var checkpoint, out var why))
            return LogEntryVerification.Fail(LogEntryProblem.CheckpointInvalid, why, log, at);
        if (checkpoint.Size != proof.TreeSize || !CryptographicOperations.FixedTimeEquals(checkpoint.RootHash, proof.RootHash))
            return LogEntryVerification.Fail(LogEntryProblem.CheckpointInvalid,
                $"the checkpoint is for a tree of {checkpoint.Size} with another root than the proof's tree of {proof.TreeSize}", log, at);
        return new LogEntryVerification(true, null,
            $"entry {entry.LogIndex} of {log.BaseUrl}: {bodyReason}; {(entry.SignedEntryTimestamp is null ? "" : "SET, ")}inclusion in the signed checkpoint of size {checkpoint.Size} verified; log key valid at {at:O}",
            log, at);
    }

    /// <summary>A checkpoint signed by <paramref name="log"/>'s key (C2SP key id, the trusted root's checkpoint key id, or v1's log id prefix).</summary>
    public static bool VerifyCheckpoint(string signedNote, TransparencyLogInstance log, [System.Diagnostics.CodeAnalysis.NotNullWhen(true)] out Checkpoint? checkpoint, out string error)
        => VerifyCheckpoint(signedNote, log, null, out checkpoint, out error);

    /// <summary><see cref="VerifyCheckpoint(string, TransparencyLogInstance, out Checkpoint?, out string)"/>, answered from <paramref name="cache"/> when it verified this very note under this log's key before.</summary>
    public static bool VerifyCheckpoint(string signedNote, TransparencyLogInstance log, LogVerificationCache? cache, [System.Diagnostics.CodeAnalysis.NotNullWhen(true)] out Checkpoint? checkpoint, out string error)
    {
        error = "";
        if (cache is not null && cache.TryGetCheckpoint(log, signedNote, out checkpoint)) return true;
        checkpoint = null;
        if (!SignedNote.TryParse(signedNote, out var note, out error)) { error = "checkpoint: " + error; return false; }
        var name = LogOrigins.NameOf(log.BaseUrl);
        IReadOnlyList<NoteVerifierKey> keys;
        try
        {
            keys = cache is null ? NoteKeys(log, name) : cache.NoteKeys(log, () => NoteKeys(log, name));
        }
        catch (Exception e) when (e is ArgumentException or CryptographicException or FormatException)
        {
            error = $"the trusted root's key for {log.BaseUrl} cannot be used: {e.Message}";
            return false;
        }
        if (!note.Verify(keys, out _, out var noteError)) { error = "checkpoint: " + noteError; return false; }
        if (!Checkpoint.TryParse(note.Text, out checkpoint, out error)) { error = "checkpoint: " + error; return false; }
        if (checkpoint.Origin != name && !checkpoint.Origin.StartsWith(name + " - ", StringComparison.Ordinal))
        {
            error = $"checkpoint: its origin '{checkpoint.Origin}' is not log {name}";
            checkpoint = null;
            return false;
        }
        cache?.AddCheckpoint(log, signedNote, checkpoint);
        return true;
    }

    /// <summary>The keys a checkpoint of <paramref name="log"/> may be signed with: the C2SP key id, v1's log id prefix, the trusted root's checkpoint key id.</summary>
    private static List<NoteVerifierKey> NoteKeys(TransparencyLogInstance log, string name)
    {
        var keys = new List<NoteVerifierKey>
        {
            NoteVerifierKey.C2sp(name, log.PublicKeySpki),
            NoteVerifierKey.Create(name, NoteKeyIds.FromLogId(log.LogId), log.PublicKeySpki),
        };
        if (log.CheckpointKeyId is { Length: >= 4 } ck) keys.Add(NoteVerifierKey.Create(name, ck, log.PublicKeySpki));
        return keys;
    }

    private static bool VerifyWithLogKey(TransparencyLogInstance log, byte[] data, byte[] signature)
    {
        if (!KeyAlgorithms.TryDetect(log.PublicKeySpki, out var algorithm, out _)) return false;
        if (!PublicKeyVerifier.TryCreate(log.PublicKeySpki, algorithm, out var verifier, out _) || verifier is null) return false;
        using (verifier) return verifier.Verify(data, signature, acceptRawEcdsa: false, out _);
    }
}
