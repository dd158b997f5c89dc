using System.Text;
using System.Text.Json;
using System.Text.Json.Nodes;

namespace StellaOps.Ops.Tuf;

/// <summary>
/// One metadata file: the typed <c>signed</c> part and its <c>signatures</c>. Read from bytes, signatures verify over
/// the canonical JSON of the <c>signed</c> object exactly as received (unknown fields included); after changing
/// <see cref="Signed"/>, <see cref="SignAsync"/> signs the model as it is now.
/// </summary>
public sealed class TufMetadata<T> where T : TufSigned, new()
{
    private byte[]? _receivedSignedBytes;
    private JsonObject? _receivedSigned;

    public TufMetadata(T signed) => Signed = signed;

    public T Signed { get; }

    public List<TufSignature> Signatures { get; } = [];

    /// <summary>Fields of the envelope besides <c>signed</c> and <c>signatures</c>.</summary>
    public JsonObject UnrecognizedFields { get; private set; } = new();

    /// <summary>The bytes the signatures are over: the received <c>signed</c> object's canonical JSON, or the model's once re-signed.</summary>
    public byte[] SignedBytes() => _receivedSignedBytes ?? OlpcCanonicalJson.Serialize(Signed.ToJson());

    /// <param name="role">The role name, for messages (a delegated role's name rather than "targets").</param>
    public static TufMetadata<T> FromBytes(ReadOnlySpan<byte> data, string? role = null)
    {
        var name = role ?? new T().Type;
        JsonFields f;
        try
        {
            using (var document = JsonDocument.Parse(data.ToArray(), new JsonDocumentOptions { MaxDepth = 64 }))
                RejectDuplicateNames(document.RootElement, name);
            var root = JsonNode.Parse(data, new JsonNodeOptions { PropertyNameCaseInsensitive = false }, new JsonDocumentOptions { MaxDepth = 64 });
            f = new JsonFields(root, name, "metadata");
        }
        catch (Exception e) when (e is JsonException or ArgumentException or InvalidOperationException)
        {
            throw TufErrors.Invalid(name, "not well-formed JSON (or an object with a duplicate name)");
        }
        var signedNode = f.Object("signed");
        var signaturesNode = f.Required("signatures") as JsonArray ?? throw TufErrors.Invalid(name, "signatures is not an array");
        var signed = new T();
        var sf = new JsonFields(signedNode, name, "signed");
        signed.ReadCommon(sf, name);
        signed.ReadFields(sf, name);
        signed.Finish(sf);
        byte[] signedBytes;
        try
        {
            signedBytes = OlpcCanonicalJson.Serialize(signedNode);
        }
        catch (FormatException e)
        {
            throw TufErrors.Invalid(name, e.Message);
        }
        var metadata = new TufMetadata<T>(signed) { _receivedSignedBytes = signedBytes, _receivedSigned = signedNode, UnrecognizedFields = f.Rest };
        foreach (var s in signaturesNode) metadata.Signatures.Add(TufSignature.Read(s, name));
        return metadata;
    }

    // JSON parsers disagree on which of two equal names wins: metadata with one is refused, never interpreted.
    private static void RejectDuplicateNames(JsonElement element, string role)
    {
        switch (element.ValueKind)
        {
            case JsonValueKind.Object:
                var names = new HashSet<string>(StringComparer.Ordinal);
                foreach (var p in element.EnumerateObject())
                {
                    if (!names.Add(p.Name)) throw TufErrors.Invalid(role, $"the name '{p.Name}' appears twice in one object");
                    RejectDuplicateNames(p.Value, role);
                }
                break;
            case JsonValueKind.Array:
                foreach (var item in element.EnumerateArray()) RejectDuplicateNames(item, role);
                break;
        }
    }

    /// <summary>
    /// The file as a repository publishes it: JSON (control characters escaped, so any JSON parser reads it; the
    /// signatures are over the canonical form, not these bytes), compact or indented. A parsed file that was not
    /// re-signed writes its <c>signed</c> object as received.
    /// </summary>
    public byte[] ToBytes(bool indented = false)
    {
        var o = new JsonObject
        {
            ["signatures"] = new JsonArray(Signatures.Select(s => (JsonNode?)s.ToJson()).ToArray()),
            ["signed"] = _receivedSigned is { } received ? received.DeepClone() : Signed.ToJson(),
        };
        JsonFields.AddUnrecognized(o, UnrecognizedFields);
        return Encoding.UTF8.GetBytes(o.ToJsonString(new JsonSerializerOptions { WriteIndented = indented, Encoder = System.Text.Encodings.Web.JavaScriptEncoder.UnsafeRelaxedJsonEscaping }));
    }

    /// <summary>Signs the model as it is now with <paramref name="signer"/>, replacing an earlier signature of the same key unless <paramref name="append"/> is false (then all others go).</summary>
    public async Task<TufSignature> SignAsync(ITufSigner signer, bool append = true, CancellationToken cancellationToken = default)
    {
        _receivedSignedBytes = null;
        _receivedSigned = null;
        var bytes = SignedBytes();
        var sig = await signer.SignAsync(bytes, cancellationToken).ConfigureAwait(false);
        var keyId = signer.KeyId;
        if (!append) Signatures.Clear();
        Signatures.RemoveAll(s => s.KeyId == keyId);
        var signature = new TufSignature(keyId, Convert.ToHexStringLower(sig));
        Signatures.Add(signature);
        return signature;
    }

    /// <summary>
    /// Counts the distinct keys of <paramref name="role"/> (looked up in <paramref name="keys"/>) with a valid signature
    /// over this file. A key listed under two ids, or signing twice, counts once.
    /// </summary>
    public int CountValidSignatures(TufRoleKeys role, IReadOnlyDictionary<string, TufKey> keys)
    {
        var bytes = SignedBytes();
        var verified = new List<TufKey>();
        foreach (var keyId in role.KeyIds.Distinct(StringComparer.Ordinal))
        {
            if (!keys.TryGetValue(keyId, out var key) || verified.Any(v => v.SameKeyAs(key))) continue;
            foreach (var s in Signatures)
            {
                if (s.KeyId != keyId || s.TryDecode() is not { } sig) continue;
                if (key.Verify(sig, bytes))
                {
                    verified.Add(key);
                    break;
                }
            }
        }
        return verified.Count;
    }
}
