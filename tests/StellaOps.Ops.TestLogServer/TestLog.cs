using System.Globalization;
using System.Security.Cryptography;
using StellaOps.Ops.Attestation.Merkle;
using StellaOps.Ops.Attestation.Sigstore;
using StellaOps.Ops.Transparency.Entries;
using StellaOps.Ops.Transparency.Notes;

namespace StellaOps.Ops.TestLogServer;

/// <summary>
/// The state of one test log: an RFC 6962 tree of canonicalized bodies (deduplicated by leaf hash), the log's
/// ECDSA P-256 key (log id = SHA-256 of its SPKI), integrated times, and signed checkpoints. Rekor v1 checkpoints
/// have the origin "&lt;name&gt; - &lt;tree id&gt;" and the key id = log id[:4] (what @sigstore/verify matches);
/// v2 checkpoints have the origin "&lt;name&gt;" and the C2SP ECDSA key id (SHA-256(SPKI)[:4], as rekor-tiles signs).
/// A v2 submission (<see cref="AppendWhenIntegratedAsync"/>) waits, as rekor-tiles on Tessera makes it wait, until its
/// entry is integrated: pending entries are integrated together once per <see cref="CheckpointInterval"/>, one
/// checkpoint is signed for the new tree, and every waiter of the batch is answered at once. A checkpoint is signed
/// once per tree (size and root) and served to every answer and read of that tree.
/// </summary>
public sealed class TestLog : IDisposable
{
    public const long TreeId = 1193050959916656506;

    private MerkleTreeBuilder _tree = new();
    private readonly List<byte[]> _bodies = [];
    private readonly List<long> _times = [];
    private readonly Dictionary<string, long> _byLeaf = new(StringComparer.Ordinal);
    private readonly ECDsa _key;
    private readonly ECDsa _wrongKey = ECDsa.Create(ECCurve.NamedCurves.nistP256);
    private readonly Lock _gate = new();
    private readonly List<(byte[] Leaf, string Key, byte[] Body, TaskCompletionSource<long> Integrated)> _pending = [];
    private readonly Dictionary<string, TaskCompletionSource<long>> _pendingByLeaf = new(StringComparer.Ordinal);
    private readonly Timer _integrator;
    private (long Size, byte[] Root, bool WrongKey, string Note)? _signed;

    /// <summary>How long a v2 submission waits at most for the next integration (rekor-tiles: its checkpoint interval).</summary>
    public static readonly TimeSpan DefaultCheckpointInterval = TimeSpan.FromMilliseconds(50);

    public TestLog(int apiVersion, ECDsa? key = null, TimeSpan? checkpointInterval = null)
    {
        ApiVersion = apiVersion;
        CheckpointInterval = checkpointInterval ?? DefaultCheckpointInterval;
        _integrator = new Timer(_ => Integrate());
        _key = key ?? ECDsa.Create(ECCurve.NamedCurves.nistP256);
        Spki = _key.ExportSubjectPublicKeyInfo();
        LogId = SHA256.HashData(Spki);
    }

    public int ApiVersion { get; }

    /// <summary>v2: pending entries are integrated (and a checkpoint published) this long after the first of them came; zero: at once.</summary>
    public TimeSpan CheckpointInterval { get; }

    public byte[] Spki { get; }

    public byte[] LogId { get; }

    /// <summary>The key name in checkpoints: the server's authority (set once it listens).</summary>
    public string Name { get; set; } = "";

    public string Origin => ApiVersion == 1 ? $"{Name} - {TreeId}" : Name;

    public LogFaults Faults { get; } = new();

    /// <summary>The clock v1 integrated times are read from (a test sets one in the past to judge key windows at it).</summary>
    public TimeProvider Clock { get; set; } = TimeProvider.System;

    public long Size { get { lock (_gate) return _tree.Size; } }

    /// <summary>The log as a trusted root lists it, valid from <paramref name="validFrom"/> (default: a day ago) until <paramref name="validTo"/>.</summary>
    public TransparencyLogInstance Trusted(Uri baseUrl, DateTimeOffset? validFrom = null, DateTimeOffset? validTo = null)
        => new(baseUrl, "SHA2_256", Spki, "PKIX_ECDSA_P256_SHA_256", new ValidityPeriod(validFrom ?? DateTimeOffset.UtcNow.AddDays(-1), validTo), LogId);

    /// <summary>Appends <paramref name="body"/> unless it is there; answers its index and whether it was new.</summary>
    public (long Index, bool Created) Append(byte[] body)
    {
        var leaf = MerkleTree.LeafHash(body);
        var key = Convert.ToHexStringLower(leaf);
        lock (_gate)
        {
            if (_byLeaf.TryGetValue(key, out var existing)) return (existing, false);
            var index = _tree.AppendLeafHash(leaf);
            _bodies.Add(body);
            _times.Add(ApiVersion == 1 ? Clock.GetUtcNow().ToUnixTimeSeconds() : 0);
            _byLeaf[key] = index;
            return (index, true);
        }
    }

    /// <summary>
    /// A v2 submission: answers once the entry is integrated into the tree and a checkpoint covers it (within
    /// <see cref="CheckpointInterval"/>: the entries pending together are integrated together). Content already in the
    /// log, or pending, answers that entry. v1 (and a zero interval) integrates at once, as <see cref="Append"/>.
    /// </summary>
    public async Task<(long Index, bool Created)> AppendWhenIntegratedAsync(byte[] body)
    {
        if (ApiVersion == 1 || CheckpointInterval <= TimeSpan.Zero) return Append(body);
        var leaf = MerkleTree.LeafHash(body);
        var key = Convert.ToHexStringLower(leaf);
        TaskCompletionSource<long>? waiting;
        var created = false;
        lock (_gate)
        {
            if (_byLeaf.TryGetValue(key, out var existing)) return (existing, false);
            if (!_pendingByLeaf.TryGetValue(key, out waiting))
            {
                waiting = new TaskCompletionSource<long>(TaskCreationOptions.RunContinuationsAsynchronously);
                _pendingByLeaf[key] = waiting;
                _pending.Add((leaf, key, body, waiting));
                created = true;
                if (_pending.Count == 1) _integrator.Change(CheckpointInterval, Timeout.InfiniteTimeSpan);
            }
        }
        return (await waiting.Task.ConfigureAwait(false), created);
    }

    /// <summary>Integrates every pending entry, signs the one checkpoint of the new tree, and answers their waiters.</summary>
    private void Integrate()
    {
        var answered = new List<(TaskCompletionSource<long> Waiter, long Index)>();
        lock (_gate)
        {
            foreach (var (leaf, key, body, waiter) in _pending)
            {
                var index = _tree.AppendLeafHash(leaf);
                _bodies.Add(body);
                _times.Add(0);
                _byLeaf[key] = index;
                answered.Add((waiter, index));
            }
            _pending.Clear();
            _pendingByLeaf.Clear();
            if (answered.Count > 0) SignedCheckpoint(_tree.Size, _tree.Root(_tree.Size));
        }
        foreach (var (waiter, index) in answered) waiter.TrySetResult(index);
    }

    /// <summary>
    /// A split view: the log rewrites its history (the entry at <paramref name="index"/>, the first by default, replaced
    /// by other content) and from now on serves, signed with its real key, a tree of the same size that is not an
    /// extension of any tree it served that held that entry (a tree smaller than <paramref name="index"/> + 1 still is).
    /// </summary>
    public void Fork(long index = 0)
    {
        lock (_gate)
        {
            if (_bodies.Count <= index) throw new InvalidOperationException($"The log has no entry {index} to rewrite.");
            _bodies[(int)index] = System.Text.Encoding.UTF8.GetBytes($"{{\"apiVersion\":\"0.0.1\",\"kind\":\"dsse\",\"spec\":{{\"forked\":\"{Guid.NewGuid()}\"}}}}");
            _tree = new MerkleTreeBuilder();
            _byLeaf.Clear();
            foreach (var body in _bodies)
            {
                var leaf = MerkleTree.LeafHash(body);
                _byLeaf[Convert.ToHexStringLower(leaf)] = _tree.AppendLeafHash(leaf);
            }
        }
    }

    public long? IndexOf(string uuidOrLeafHex)
    {
        var hex = uuidOrLeafHex.Length == 80 ? uuidOrLeafHex[16..] : uuidOrLeafHex;
        lock (_gate) return _byLeaf.TryGetValue(hex.ToLowerInvariant(), out var i) ? i : null;
    }

    public string Uuid(long index)
    {
        lock (_gate) return TreeId.ToString("x16", CultureInfo.InvariantCulture) + Convert.ToHexStringLower(MerkleTree.LeafHash(_bodies[(int)index]));
    }

    public byte[] Body(long index) { lock (_gate) return _bodies[(int)index]; }

    /// <summary>The entry at <paramref name="index"/>, with a SET (v1) and a proof against the current signed checkpoint.</summary>
    public LogEntry Entry(long index)
    {
        lock (_gate)
        {
            var size = _tree.Size;
            var body = _bodies[(int)index];
            var time = _times[(int)index];
            var root = _tree.Root(size);
            var proof = _tree.InclusionProof(index, size).Select(h => (byte[])h.Clone()).ToList();
            if (Faults.ForgeProof)
            {
                // A forged proof: one hash altered (or, for a one-entry tree, the root the checkpoint signs).
                if (proof.Count > 0) proof[0][0] ^= 0xff;
                else (root = (byte[])root.Clone())[0] ^= 0xff;
            }
            var checkpoint = SignedCheckpoint(size, root);
            var set = ApiVersion == 1 ? Sign(SignedEntryTimestamp.Payload(body, time, LogId, index)) : null;
            var (kind, version) = ApiVersion == 1
                ? (RekorEntryBodies.DsseKind, RekorEntryBodies.DsseVersion)
                : (RekorEntryBodies.HashedRekordKind, RekorEntryBodies.HashedRekordVersion);
            return new LogEntry(index, LogId, kind, version, time, set, new InclusionProof(index, root, size, proof, checkpoint), body);
        }
    }

    public string SignedCheckpoint() { lock (_gate) return SignedCheckpoint(_tree.Size, _tree.Root(_tree.Size)); }

    public (byte[] Root, long Size) Head() { lock (_gate) return (_tree.Root(_tree.Size), _tree.Size); }

    public IReadOnlyList<byte[]> Consistency(long size1, long size2) { lock (_gate) return _tree.ConsistencyProof(size1, size2); }

    /// <summary>C2SP tlog-tiles: the hashes of tile <paramref name="level"/>/<paramref name="index"/>, at most <paramref name="width"/>.</summary>
    public IReadOnlyList<byte[]>? Tile(int level, long index, int width)
    {
        lock (_gate)
        {
            var row = level * 8;
            var available = _tree.Width(row) - index * 256;
            if (available < width || width is < 1 or > 256) return null;
            return [.. Enumerable.Range(0, width).Select(i => _tree.Node(row, index * 256 + i))];
        }
    }

    /// <summary>C2SP tlog-tiles entry bundle: the bodies of entries index*256 … index*256+width-1.</summary>
    public IReadOnlyList<byte[]>? EntryBundle(long index, int width)
    {
        lock (_gate)
        {
            if (_bodies.Count - index * 256 < width || width is < 1 or > 256) return null;
            return _bodies.GetRange((int)(index * 256), width);
        }
    }

    public byte[] Sign(byte[] data) => (Faults.WrongKey ? _wrongKey : _key).SignData(data, HashAlgorithmName.SHA256, DSASignatureFormat.Rfc3279DerSequence);

    /// <summary>The signed checkpoint of this tree: signed once, then served to every answer of the same tree (the caller holds the gate).</summary>
    private string SignedCheckpoint(long size, byte[] root)
    {
        var wrongKey = Faults.WrongKey;
        if (_signed is { } last && last.Size == size && last.WrongKey == wrongKey && last.Root.AsSpan().SequenceEqual(root)) return last.Note;
        var text = new Checkpoint(Origin, size, root, []).ToText();
        var keyId = ApiVersion == 1 ? NoteKeyIds.FromLogId(LogId) : NoteKeyIds.Ecdsa(Spki);
        var note = SignedNote.Sign(text, [(Name, keyId, Sign)]).ToString();
        _signed = (size, (byte[])root.Clone(), wrongKey, note);
        return note;
    }

    public void Dispose()
    {
        _integrator.Dispose();
        _key.Dispose();
        _wrongKey.Dispose();
    }
}
