using System.Text;
using System.Text.Json;
using System.Text.Json.Nodes;

namespace StellaOps.Ops.Tuf;

/// <summary>
/// OLPC canonical JSON as securesystemslib (and so every TUF implementation) produces it: object keys in code-point
/// order, no whitespace, integers only, strings as UTF-8 with only <c>\\</c> and <c>\"</c> escaped (every other
/// character, control characters included, written as is). The bytes TUF signatures are made over. Not RFC 8785 JCS,
/// which escapes control characters and allows floats.
/// </summary>
public static class OlpcCanonicalJson
{
    public static byte[] Serialize(JsonNode? node)
    {
        using var buffer = new MemoryStream();
        Write(buffer, node);
        return buffer.ToArray();
    }

    public static void Write(Stream output, JsonNode? node)
    {
        switch (node)
        {
            case null:
                WriteAscii(output, "null");
                break;
            case JsonObject obj:
                output.WriteByte((byte)'{');
                var first = true;
                foreach (var (key, value) in obj.OrderBy(p => p.Key, CodePointComparer.Instance))
                {
                    if (!first) output.WriteByte((byte)',');
                    first = false;
                    WriteString(output, key);
                    output.WriteByte((byte)':');
                    Write(output, value);
                }
                output.WriteByte((byte)'}');
                break;
            case JsonArray array:
                output.WriteByte((byte)'[');
                for (var i = 0; i < array.Count; i++)
                {
                    if (i > 0) output.WriteByte((byte)',');
                    Write(output, array[i]);
                }
                output.WriteByte((byte)']');
                break;
            case JsonValue value:
                WriteValue(output, value);
                break;
        }
    }

    private static void WriteValue(Stream output, JsonValue value)
    {
        switch (value.GetValueKind())
        {
            case JsonValueKind.String:
                WriteString(output, value.GetValue<string>());
                break;
            case JsonValueKind.True:
                WriteAscii(output, "true");
                break;
            case JsonValueKind.False:
                WriteAscii(output, "false");
                break;
            case JsonValueKind.Null:
                WriteAscii(output, "null");
                break;
            case JsonValueKind.Number:
                if (value.TryGetValue<long>(out var l)) WriteAscii(output, l.ToString(System.Globalization.CultureInfo.InvariantCulture));
                else if (value.TryGetValue<int>(out var i)) WriteAscii(output, i.ToString(System.Globalization.CultureInfo.InvariantCulture));
                else if (value.TryGetValue<JsonElement>(out var e) && e.TryGetInt64(out var el)) WriteAscii(output, el.ToString(System.Globalization.CultureInfo.InvariantCulture));
                else throw new FormatException("canonical JSON allows integers only, not floats or numbers beyond 64 bits");
                break;
            default:
                throw new FormatException($"canonical JSON cannot encode a {value.GetValueKind()}");
        }
    }

    private static void WriteString(Stream output, string s)
    {
        output.WriteByte((byte)'"');
        Span<byte> utf8 = stackalloc byte[4];
        foreach (var rune in s.EnumerateRunes())
        {
            if (rune.Value == '\\' || rune.Value == '"') output.WriteByte((byte)'\\');
            var n = rune.EncodeToUtf8(utf8);
            output.Write(utf8[..n]);
        }
        output.WriteByte((byte)'"');
    }

    private static void WriteAscii(Stream output, string s) => output.Write(Encoding.ASCII.GetBytes(s));

    /// <summary>Python's str ordering: by Unicode code point (UTF-16 ordinal order differs above U+D7FF).</summary>
    private sealed class CodePointComparer : IComparer<string>
    {
        public static readonly CodePointComparer Instance = new();

        public int Compare(string? x, string? y)
        {
            if (ReferenceEquals(x, y)) return 0;
            if (x is null) return -1;
            if (y is null) return 1;
            var a = x.EnumerateRunes();
            var b = y.EnumerateRunes();
            while (true)
            {
                var hasA = a.MoveNext();
                var hasB = b.MoveNext();
                if (!hasA || !hasB) return hasA ? 1 : hasB ? -1 : 0;
                var c = a.Current.Value.CompareTo(b.Current.Value);
                if (c != 0) return c;
            }
        }
    }
}
