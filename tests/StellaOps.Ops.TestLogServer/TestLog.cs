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

    public TestLog(int apiVersion, ECDsa? key = null)
    {
        ApiVersion = apiVersion;
        _key = key ?? ECDsa.Create(ECCurve.NamedCurves.nistP256);
        Spki = _key.ExportSubjectPublicKeyInfo();
        LogId = SHA256.HashData(Spki);
    }

    public int ApiVersion { get; }

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

    private string SignedCheckpoint(long size, byte[] root)
    {
        var text = new Checkpoint(Origin, size, root, []).ToText();
        var keyId = ApiVersion == 1 ? NoteKeyIds.FromLogId(LogId) : NoteKeyIds.Ecdsa(Spki);
        return SignedNote.Sign(text, [(Name, keyId, Sign)]).ToString();
    }

    public void Dispose()
    {
        _key.Dispose();
        _wrongKey.Dispose();
    }
}
