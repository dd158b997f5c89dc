namespace StellaOps.Ops.Attestation;

/// <summary>Base64 as DSSE uses it: written in the standard alphabet with padding, read in either alphabet.</summary>
public static class Base64Text
{
    public static string Encode(ReadOnlySpan<byte> data) => Convert.ToBase64String(data);

    /// <summary>
    /// Decodes standard (<c>+/</c>) or URL-safe (<c>-_</c>) base64, padded or not. Mixing the two alphabets in one
    /// string, whitespace, and misplaced padding are rejected.
    /// </summary>
    public static bool TryDecode(string? text, out byte[] data)
    {
        data = [];
        if (text is null) return false;
        if (text.Length == 0) return true;
        bool standard = text.AsSpan().IndexOfAny('+', '/') >= 0;
        bool urlSafe = text.AsSpan().IndexOfAny('-', '_') >= 0;
        if (standard && urlSafe) return false;
        var s = urlSafe ? text.Replace('-', '+').Replace('_', '/') : text;
        var rem = s.Length % 4;
        if (rem == 1) return false;
        if (rem != 0) s += new string('=', 4 - rem);
        if (s.AsSpan().IndexOfAny(" \t\r\n") >= 0) return false;
        var buffer = new byte[s.Length / 4 * 3];
        if (!Convert.TryFromBase64String(s, buffer, out var written)) return false;
        data = buffer.AsSpan(0, written).ToArray();
        return true;
    }

    public static byte[] Decode(string text) => TryDecode(text, out var data)
        ? data
        : throw new FormatException("Not valid base64 (standard or URL-safe alphabet).");
}
