using System.Collections.Concurrent;
using StellaOps.Ops.Attestation.Signing;
using StellaOps.Ops.Attestation.Sigstore;
using StellaOps.Ops.Attestation.Verification;
using StellaOps.Ops.Transparency.Notes;

namespace StellaOps.Ops.Transparency.Verification;

/// <summary>
/// What <see cref="LogEntryVerifier"/> may reuse between entries of the same logs (a drain verifying thousands): each
/// log key imported once (for SETs and checkpoint signatures), and each signed checkpoint verified once — a log
/// answers many entries with the same checkpoint (Rekor v2 publishes one per interval for every entry it covers). A
/// checkpoint is remembered by its exact signed text together with the log's name and key it verified under, so a
/// different key, name or a single changed byte is verified afresh. Bounded: past <see cref="MaxCheckpoints"/> the
/// checkpoints are forgotten and verified again. Thread-safe.
/// </summary>
public sealed class LogVerificationCache
{
    public const int MaxCheckpoints = 4096;
    private const int MaxLogs = 64;

    private readonly ConcurrentDictionary<(string Log, string Note), Checkpoint> _checkpoints = new();
    private readonly ConcurrentDictionary<string, LogKeys> _logs = new(StringComparer.Ordinal);
    // Counted here: ConcurrentDictionary.Count takes every lock, and a Rekor v1 log signs a new checkpoint per answer.
    private int _added;

    /// <summary>The checkpoint <paramref name="signedNote"/> verified to be under <paramref name="log"/>'s key, if it was.</summary>
    internal bool TryGetCheckpoint(TransparencyLogInstance log, string signedNote, [System.Diagnostics.CodeAnalysis.NotNullWhen(true)] out Checkpoint? checkpoint)
        => _checkpoints.TryGetValue((Identity(log), signedNote), out checkpoint);

    internal void AddCheckpoint(TransparencyLogInstance log, string signedNote, Checkpoint checkpoint)
    {
        if (Interlocked.Increment(ref _added) > MaxCheckpoints)
        {
            _checkpoints.Clear();
            Interlocked.Exchange(ref _added, 1);
        }
        _checkpoints[(Identity(log), signedNote)] = checkpoint;
    }

    /// <summary>The note keys <see cref="LogEntryVerifier.VerifyCheckpoint"/> accepts for <paramref name="log"/>, each with its key imported once.</summary>
    internal IReadOnlyList<NoteVerifierKey> NoteKeys(TransparencyLogInstance log, Func<IReadOnlyList<NoteVerifierKey>> create) => Keys(log).Notes(create);

    /// <summary>Verifies <paramref name="signature"/> over <paramref name="data"/> with the log's key (a SET), the key imported once.</summary>
    internal bool VerifyWithLogKey(TransparencyLogInstance log, byte[] data, byte[] signature) => Keys(log).Verify(data, signature);

    private LogKeys Keys(TransparencyLogInstance log)
    {
        var identity = Identity(log);
        if (_logs.TryGetValue(identity, out var keys)) return keys;
        if (_logs.Count >= MaxLogs) _logs.Clear();
        return _logs.GetOrAdd(identity, _ => new LogKeys(log.PublicKeySpki));
    }

    /// <summary>What a checkpoint's verification depends on: the log's name (from its URL), its key, log id and checkpoint key id.</summary>
    private static string Identity(TransparencyLogInstance log)
        => $"{LogOrigins.NameOf(log.BaseUrl)}\n{Convert.ToBase64String(log.PublicKeySpki)}\n{Convert.ToHexStringLower(log.LogId)}\n{(log.CheckpointKeyId is { } id ? Convert.ToHexStringLower(id) : "")}";

    private sealed class LogKeys(byte[] spki)
    {
        private readonly Lazy<PublicKeyVerifier?> _verifier = new(() =>
            KeyAlgorithms.TryDetect(spki, out var algorithm, out _) && PublicKeyVerifier.TryCreate(spki, algorithm, out var v, out _) ? v : null);
        private IReadOnlyList<NoteVerifierKey>? _notes;

        public bool Verify(byte[] data, byte[] signature) => _verifier.Value is { } v && v.Verify(data, signature, acceptRawEcdsa: false, out _);

        public IReadOnlyList<NoteVerifierKey> Notes(Func<IReadOnlyList<NoteVerifierKey>> create) => _notes ??= create();
    }
}
