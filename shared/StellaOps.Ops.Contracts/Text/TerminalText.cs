using System.Globalization;
using System.Text;

namespace StellaOps.Ops.Contracts.Text;

/// <summary>
/// Makes text safe to put on a terminal: control characters (C0, DEL, C1 — ESC starts every CSI/OSC sequence, so a
/// title change or a screen clear cannot get through), the Unicode line and paragraph separators and the bidirectional
/// overrides (text that reads differently than it is) become visible escapes like <c>\e</c>, <c>\x07</c>,
/// <c>\u202E</c>. The one place that does this: the daemon's console log and the module's views and errors use it.
/// Backslashes are kept as they are (Windows paths): the escapes are for reading, not for parsing back.
/// </summary>
public static class TerminalText
{
    /// <summary>True for a character that must not reach a terminal as it is.</summary>
    public static bool IsUnsafe(char c) =>
        char.IsControl(c)
        || c is '\u2028' or '\u2029'
        || c is >= '\u202A' and <= '\u202E'
        || c is >= '\u2066' and <= '\u2069'
        || c is '\u200E' or '\u200F' or '\u061C';

    /// <summary>The index of the first character <see cref="IsUnsafe"/> (or of a lone surrogate), or -1.</summary>
    public static int IndexOfUnsafe(string value)
    {
        for (var i = 0; i < value.Length; i++)
        {
            var c = value[i];
            if (IsUnsafe(c)) return i;
            if (char.IsHighSurrogate(c) && i + 1 < value.Length && char.IsLowSurrogate(value[i + 1])) { i++; continue; }
            if (char.IsSurrogate(c)) return i;
        }
        return -1;
    }

    /// <summary>
    /// <paramref name="value"/> with every unsafe character escaped; null stays null. <paramref name="keepNewlines"/>
    /// keeps LF (and TAB) for multi-line text that the caller lays out (a stack trace, a list view), never CR.
    /// </summary>
    public static string? Escape(string? value, bool keepNewlines = false)
    {
        if (value is null) return null;
        var first = FirstToEscape(value, keepNewlines);
        if (first < 0) return value;
        var sb = new StringBuilder(value.Length + 16);
        sb.Append(value, 0, first);
        for (var i = first; i < value.Length; i++)
        {
            var c = value[i];
            if (char.IsHighSurrogate(c) && i + 1 < value.Length && char.IsLowSurrogate(value[i + 1]))
            {
                sb.Append(c).Append(value[++i]);
                continue;
            }
            if (!NeedsEscape(c, keepNewlines)) { sb.Append(c); continue; }
            sb.Append(c switch
            {
                '\0' => "\\0",
                '\a' => "\\a",
                '\b' => "\\b",
                '\t' => "\\t",
                '\n' => "\\n",
                '\v' => "\\v",
                '\f' => "\\f",
                '\r' => "\\r",
                '\u001B' => "\\e",
                _ when c <= '\u00FF' => "\\x" + ((int)c).ToString("X2", CultureInfo.InvariantCulture),
                _ => "\\u" + ((int)c).ToString("X4", CultureInfo.InvariantCulture),
            });
        }
        return sb.ToString();
    }

    /// <summary>At most <paramref name="max"/> characters of <paramref name="value"/>, escaped: for echoing bad input in an error.</summary>
    public static string Preview(string value, int max = 64)
    {
        var head = value.Length > max ? value[..max] : value;
        if (head.Length > 0 && char.IsHighSurrogate(head[^1])) head = head[..^1];
        return Escape(head)! + (value.Length > max ? "…" : "");
    }

    private static bool NeedsEscape(char c, bool keepNewlines) =>
        (IsUnsafe(c) && !(keepNewlines && c is '\n' or '\t')) || char.IsSurrogate(c);

    private static int FirstToEscape(string value, bool keepNewlines)
    {
        for (var i = 0; i < value.Length; i++)
        {
            var c = value[i];
            if (char.IsHighSurrogate(c) && i + 1 < value.Length && char.IsLowSurrogate(value[i + 1])) { i++; continue; }
            if (NeedsEscape(c, keepNewlines)) return i;
        }
        return -1;
    }
}
