using System.Globalization;
using System.Text.Json;
using System.Text.Json.Nodes;

namespace StellaOps.Ops.Tuf;

/// <summary>
/// Reads the known fields of one JSON object, removing each it reads: what is left are the unrecognized fields, kept
/// so that metadata round-trips and is verified as it was received.
/// </summary>
internal sealed class JsonFields
{
    private readonly JsonObject _rest;
    private readonly string _role;

    public JsonFields(JsonNode? node, string role, string what)
    {
        if (node is not JsonObject obj) throw TufErrors.Invalid(role, $"{what} is not a JSON object");
        _rest = (JsonObject)obj.DeepClone();
        _role = role;
        What = what;
    }

    public string What { get; }

    public JsonObject Rest => _rest;

    public JsonNode? Take(string name)
    {
        _rest.Remove(name, out var value);
        return value;
    }

    public JsonNode Required(string name) => Take(name) ?? throw TufErrors.Invalid(_role, $"{What} has no '{name}'");

    public string String(string name) => AsString(Required(name), name);

    public string? OptionalString(string name) => Take(name) is { } n ? AsString(n, name) : null;

    public long Integer(string name) => AsInteger(Required(name), name);

    public long? OptionalInteger(string name) => Take(name) is { } n ? AsInteger(n, name) : null;

    public bool Boolean(string name) => Required(name) is JsonValue v && v.GetValueKind() is JsonValueKind.True or JsonValueKind.False
        ? v.GetValue<bool>() : throw TufErrors.Invalid(_role, $"{What}.{name} is not a boolean");

    public JsonObject Object(string name) => Required(name) as JsonObject ?? throw TufErrors.Invalid(_role, $"{What}.{name} is not an object");

    public JsonObject? OptionalObject(string name) => Take(name) switch
    {
        null => null,
        JsonObject o => o,
        _ => throw TufErrors.Invalid(_role, $"{What}.{name} is not an object"),
    };

    public List<string> StringList(string name) => AsStringList(Required(name), name);

    public List<string>? OptionalStringList(string name) => Take(name) is { } n ? AsStringList(n, name) : null;

    public DateTimeOffset Timestamp(string name)
    {
        var s = String(name);
        // The spec's format is ISO 8601 in UTC with a Z; fractions of a second are tolerated on read.
        if (s.EndsWith('Z') && DateTimeOffset.TryParseExact(s, ["yyyy-MM-dd'T'HH:mm:ss'Z'", "yyyy-MM-dd'T'HH:mm:ss.FFFFFFF'Z'"],
                CultureInfo.InvariantCulture, DateTimeStyles.AssumeUniversal | DateTimeStyles.AdjustToUniversal, out var t))
            return t;
        throw TufErrors.Invalid(_role, $"{What}.{name} '{s}' is not an ISO 8601 UTC time like 2030-01-01T00:00:00Z");
    }

    public Dictionary<string, string> StringMap(string name)
    {
        var result = new Dictionary<string, string>(StringComparer.Ordinal);
        foreach (var (k, v) in Object(name)) result[k] = AsString(v, $"{name}.{k}");
        return result;
    }

    public string AsString(JsonNode? node, string name) => node is JsonValue v && v.GetValueKind() == JsonValueKind.String
        ? v.GetValue<string>() : throw TufErrors.Invalid(_role, $"{What}.{name} is not a string");

    public long AsInteger(JsonNode? node, string name)
    {
        if (node is JsonValue v && v.GetValueKind() == JsonValueKind.Number)
        {
            if (v.TryGetValue<long>(out var l)) return l;
            if (v.TryGetValue<JsonElement>(out var e) && e.TryGetInt64(out var el)) return el;
        }
        throw TufErrors.Invalid(_role, $"{What}.{name} is not an integer");
    }

    private List<string> AsStringList(JsonNode node, string name) => node is JsonArray a
        ? a.Select((n, i) => AsString(n, $"{name}[{i}]")).ToList()
        : throw TufErrors.Invalid(_role, $"{What}.{name} is not an array");

    /// <summary>Adds the unrecognized fields back when writing.</summary>
    public static void AddUnrecognized(JsonObject target, JsonObject unrecognized)
    {
        foreach (var (k, v) in unrecognized)
            if (!target.ContainsKey(k)) target[k] = v?.DeepClone();
    }

    public static string FormatTime(DateTimeOffset t) => t.UtcDateTime.ToString("yyyy-MM-dd'T'HH:mm:ss'Z'", CultureInfo.InvariantCulture);

    public static JsonArray ToArray(IEnumerable<string> items) => new(items.Select(s => (JsonNode?)JsonValue.Create(s)).ToArray());
}
