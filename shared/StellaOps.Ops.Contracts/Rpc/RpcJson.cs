using System.Text.Json;
using System.Text.Json.Serialization;

namespace StellaOps.Ops.Contracts.Rpc;

/// <summary>The one JSON shape of the wire, used by the daemon, the module and the tests.</summary>
public static class RpcJson
{
    /// <summary>A shared, read-only instance for plain (non-RPC) serialization.</summary>
    public static JsonSerializerOptions Options { get; } = Freeze(Create());

    /// <summary>A fresh instance: each JSON-RPC formatter adds its own converters, so it needs its own options.</summary>
    public static JsonSerializerOptions Create()
    {
        var o = new JsonSerializerOptions(JsonSerializerDefaults.Web)
        {
            DefaultIgnoreCondition = JsonIgnoreCondition.WhenWritingNull,
            // Deep payloads are a denial-of-service vector; nothing legitimate nests this deep.
            MaxDepth = 64,
            // The default encoder escapes what is unsafe in HTML (' + < > & and all non-ASCII) as \uXXXX: six bytes each
            // in every answer (each verification check's reason and window has several), and the slow escaping path when
            // writing. Nothing on this wire is put into HTML; control characters and quotes are still escaped.
            Encoder = System.Text.Encodings.Web.JavaScriptEncoder.UnsafeRelaxedJsonEscaping,
        };
        o.Converters.Add(new JsonStringEnumConverter());
        return o;
    }

    private static JsonSerializerOptions Freeze(JsonSerializerOptions o)
    {
        o.MakeReadOnly(populateMissingResolver: true);
        return o;
    }
}
