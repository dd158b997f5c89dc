using System.Text.Json.Nodes;

namespace StellaOps.Ops.Tuf;

/// <summary>One entry of a metadata file's <c>signatures</c>: the key id and the hex signature.</summary>
public sealed class TufSignature
{
    public TufSignature(string keyId, string signatureHex)
    {
        KeyId = keyId;
        SignatureHex = signatureHex;
    }

    public string KeyId { get; }

    public string SignatureHex { get; }

    public JsonObject UnrecognizedFields { get; init; } = new();

    internal static TufSignature Read(JsonNode? node, string role)
    {
        var f = new JsonFields(node, role, "signature");
        return new TufSignature(f.String("keyid"), f.String("sig")) { UnrecognizedFields = f.Rest };
    }

    public JsonObject ToJson()
    {
        var o = new JsonObject { ["keyid"] = KeyId, ["sig"] = SignatureHex };
        JsonFields.AddUnrecognized(o, UnrecognizedFields);
        return o;
    }

    internal byte[]? TryDecode()
    {
        try { return Convert.FromHexString(SignatureHex); }
        catch (FormatException) { return null; }
    }
}
