using System.Collections;
using System.Globalization;
using System.Management.Automation;
using System.Text.Json;
using System.Text.Json.Nodes;

namespace StellaOps.Ops.PowerShell.Attestor;

/// <summary>
/// Turns <c>-Predicate</c> into the JSON object text the daemon stores: a hashtable or PSCustomObject (converted
/// here, so no ConvertTo-Json depth surprises), a JSON object text, or the path of a file holding one.
/// </summary>
public static class PredicateArgument
{
    private const int MaxDepth = 64;

    /// <returns>Compact JSON object text, or null for no predicate.</returns>
    /// <exception cref="FormatException">Not an object, not JSON, not a readable file, or nested too deep.</exception>
    public static string? ToJson(object? value, Func<string, string?> resolvePath)
    {
        var v = Unwrap(value);
        switch (v)
        {
            case null:
                return null;
            case FileInfo file:
                return FromText(File.ReadAllText(file.FullName), $"file '{file.FullName}'");
            case string s when s.TrimStart().StartsWith('{') || s.TrimStart().StartsWith('['):
                return FromText(s, "-Predicate");
            case string s:
                var path = s.Length == 0 ? null : resolvePath(s);
                if (path is not null && File.Exists(path)) return FromText(File.ReadAllText(path), $"file '{path}'");
                throw new FormatException($"-Predicate '{Shorten(s)}' is neither a JSON object nor an existing file. Give a hashtable (@{{ result = 'pass' }}), a JSON object text ('{{\"result\":\"pass\"}}') or the path of a .json file.");
            case IDictionary or PSObject:
                return ToNode(value, 0)!.ToJsonString();
            default:
                throw new FormatException($"-Predicate of type {v.GetType().Name} is not an object. Give a hashtable, a JSON object text or the path of a .json file.");
        }
    }

    private static string FromText(string json, string what)
    {
        JsonNode? node;
        try
        {
            node = JsonNode.Parse(json, documentOptions: new JsonDocumentOptions { MaxDepth = MaxDepth });
        }
        catch (JsonException ex)
        {
            throw new FormatException($"The predicate in {what} is not valid JSON: {ex.Message}", ex);
        }
        if (node is not JsonObject obj) throw new FormatException($"The predicate in {what} must be a JSON object ({{…}}), not {node?.GetValueKind().ToString().ToLowerInvariant() ?? "null"}.");
        return obj.ToJsonString();
    }

    private static object? Unwrap(object? value)
        => value is PSObject pso && pso.BaseObject is not PSCustomObject ? pso.BaseObject : value;

    private static JsonNode? ToNode(object? value, int depth)
    {
        if (depth > MaxDepth) throw new FormatException($"The predicate is nested more than {MaxDepth} levels deep (a reference loop?).");
        var v = Unwrap(value);
        switch (v)
        {
            case null: return null;
            case string s: return JsonValue.Create(s);
            case bool b: return JsonValue.Create(b);
            case char c: return JsonValue.Create(c.ToString());
            case DateTime dt: return JsonValue.Create(dt.ToString("O", CultureInfo.InvariantCulture));
            case DateTimeOffset dto: return JsonValue.Create(dto.ToString("O", CultureInfo.InvariantCulture));
            case Enum e: return JsonValue.Create(e.ToString());
            case sbyte or byte or short or ushort or int or uint or long: return JsonValue.Create(Convert.ToInt64(v, CultureInfo.InvariantCulture));
            case ulong u: return JsonValue.Create(u);
            case float or double or decimal: return JsonValue.Create(Convert.ToDecimal(v, CultureInfo.InvariantCulture));
            case IDictionary dict:
                var obj = new JsonObject();
                foreach (DictionaryEntry entry in dict) obj[Convert.ToString(entry.Key, CultureInfo.InvariantCulture) ?? ""] = ToNode(entry.Value, depth + 1);
                return obj;
            case PSObject custom: // a PSCustomObject: its note properties
                var fromProperties = new JsonObject();
                foreach (var p in custom.Properties) fromProperties[p.Name] = ToNode(p.Value, depth + 1);
                return fromProperties;
            case IEnumerable items:
                var array = new JsonArray();
                foreach (var item in items) array.Add(ToNode(item, depth + 1));
                return array;
            default:
                return JsonValue.Create(Convert.ToString(v, CultureInfo.InvariantCulture));
        }
    }

    private static string Shorten(string s) => s.Length > 60 ? s[..60] + "…" : s;
}
