using System.Globalization;
using System.Text.Json;
using StellaOps.Ops.Attestation;

namespace StellaOps.Ops.Transparency.Entries;

/// <summary>
/// One transparency-log entry as Sigstore bundles carry it (<c>TransparencyLogEntry</c>, protobuf JSON: int64 as
/// strings, bytes as base64): index, log id, kind and version, integrated time (0 for Rekor v2), the SET (Rekor v1's
/// <c>inclusionPromise</c>), the inclusion proof with its checkpoint, and the canonicalized body that was logged.
/// </summary>
public sealed record LogEntry(
    long LogIndex,
    byte[] LogId,
    string Kind,
    string KindVersion,
    long IntegratedTime,
    byte[]? SignedEntryTimestamp,
    InclusionProof? Proof,
    byte[] CanonicalizedBody)
{
    /// <summary>Entries larger than this are refused unread (a DSSE body of the biggest statement the daemon signs fits).</summary>
    public const int MaxJsonLength = 4 << 20;

    /// <summary>The Merkle leaf hash of the body: Rekor v1's entry UUID (hex) without the tree-id prefix.</summary>
    public byte[] LeafHash() => Attestation.Merkle.MerkleTree.LeafHash(CanonicalizedBody);

    public byte[] ToJsonBytes() => AttestationJson.Write(WriteTo);

    public void WriteTo(Utf8JsonWriter w)
    {
        w.WriteStartObject();
        w.WriteString("logIndex", LogIndex.ToString(CultureInfo.InvariantCulture));
        w.WriteStartObject("logId");
        w.WriteString("keyId", Convert.ToBase64String(LogId));
        w.WriteEndObject();
        w.WriteStartObject("kindVersion");
        w.WriteString("kind", Kind);
        w.WriteString("version", KindVersion);
        w.WriteEndObject();
        w.WriteString("integratedTime", IntegratedTime.ToString(CultureInfo.InvariantCulture));
        if (SignedEntryTimestamp is not null)
        {
            w.WriteStartObject("inclusionPromise");
            w.WriteString("signedEntryTimestamp", Convert.ToBase64String(SignedEntryTimestamp));
            w.WriteEndObject();
        }
        if (Proof is not null)
        {
            w.WriteStartObject("inclusionProof");
            w.WriteString("logIndex", Proof.LogIndex.ToString(CultureInfo.InvariantCulture));
            w.WriteString("rootHash", Convert.ToBase64String(Proof.RootHash));
            w.WriteString("treeSize", Proof.TreeSize.ToString(CultureInfo.InvariantCulture));
            w.WriteStartArray("hashes");
            foreach (var h in Proof.Hashes) w.WriteStringValue(Convert.ToBase64String(h));
            w.WriteEndArray();
            w.WriteStartObject("checkpoint");
            w.WriteString("envelope", Proof.Checkpoint);
            w.WriteEndObject();
            w.WriteEndObject();
        }
        w.WriteString("canonicalizedBody", Convert.ToBase64String(CanonicalizedBody));
        w.WriteEndObject();
    }

    public static bool TryParse(ReadOnlySpan<byte> json, [System.Diagnostics.CodeAnalysis.NotNullWhen(true)] out LogEntry? entry, out string error)
    {
        entry = null;
        if (json.Length > MaxJsonLength) { error = $"the log entry is larger than {MaxJsonLength} bytes"; return false; }
        try
        {
            using var doc = JsonDocument.Parse(json.ToArray(), AttestationJson.DocumentOptions);
            return TryRead(doc.RootElement, out entry, out error);
        }
        catch (JsonException e)
        {
            error = $"the log entry is not valid JSON: {e.Message}";
            return false;
        }
    }

    /// <summary>Reads the protobuf-JSON form (int64 as string or number, bytes as base64). Never throws for bad input.</summary>
    public static bool TryRead(JsonElement e, [System.Diagnostics.CodeAnalysis.NotNullWhen(true)] out LogEntry? entry, out string error)
    {
        entry = null;
        try
        {
            if (e.ValueKind != JsonValueKind.Object) { error = "a log entry is a JSON object"; return false; }
            if (!TryInt64(e, "logIndex", out var index)) { error = "the log entry has no logIndex"; return false; }
            if (!e.TryGetProperty("logId", out var logId) || !TryBytes(logId, "keyId", out var id)) { error = "the log entry has no logId.keyId"; return false; }
            if (!e.TryGetProperty("kindVersion", out var kv) || AttestationJson.GetString(kv, "kind") is not { } kind || AttestationJson.GetString(kv, "version") is not { } version)
            { error = "the log entry has no kindVersion"; return false; }
            if (!TryInt64(e, "integratedTime", out var integrated)) integrated = 0;
            byte[]? set = null;
            if (e.TryGetProperty("inclusionPromise", out var promise) && !TryBytes(promise, "signedEntryTimestamp", out set))
            { error = "the log entry's inclusionPromise has no signedEntryTimestamp"; return false; }
            InclusionProof? proof = null;
            if (e.TryGetProperty("inclusionProof", out var p))
            {
                if (!TryInt64(p, "logIndex", out var pIndex) || !TryInt64(p, "treeSize", out var size) || !TryBytes(p, "rootHash", out var root)
                    || !p.TryGetProperty("hashes", out var hashes) || hashes.ValueKind != JsonValueKind.Array
                    || !p.TryGetProperty("checkpoint", out var cp) || AttestationJson.GetString(cp, "envelope") is not { } note)
                { error = "the log entry's inclusionProof lacks logIndex, rootHash, treeSize, hashes or checkpoint"; return false; }
                var list = new List<byte[]>();
                foreach (var h in hashes.EnumerateArray())
                {
                    if (h.ValueKind != JsonValueKind.String || !Base64Text.TryDecode(h.GetString(), out var hb)) { error = "an inclusion proof hash is not base64"; return false; }
                    list.Add(hb);
                }
                proof = new InclusionProof(pIndex, root, size, list, note);
            }
            if (!TryBytes(e, "canonicalizedBody", out var body) || body.Length == 0) { error = "the log entry has no canonicalizedBody"; return false; }
            entry = new LogEntry(index, id, kind, version, integrated, set, proof, body);
            error = "";
            return true;
        }
        catch (Exception ex) when (ex is InvalidOperationException or FormatException)
        {
            error = $"the log entry is malformed: {ex.Message}";
            return false;
        }
    }

    private static bool TryInt64(JsonElement e, string name, out long value)
    {
        value = 0;
        if (e.ValueKind != JsonValueKind.Object || !e.TryGetProperty(name, out var p)) return false;
        return p.ValueKind switch
        {
            JsonValueKind.Number => p.TryGetInt64(out value) && value >= 0,
            JsonValueKind.String => long.TryParse(p.GetString(), NumberStyles.None, CultureInfo.InvariantCulture, out value),
            _ => false,
        };
    }

    private static bool TryBytes(JsonElement e, string name, out byte[] value)
    {
        value = [];
        return e.ValueKind == JsonValueKind.Object && Base64Text.TryDecode(AttestationJson.GetString(e, name), out value);
    }
}
