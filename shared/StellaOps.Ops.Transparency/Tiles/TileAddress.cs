using System.Globalization;

namespace StellaOps.Ops.Transparency.Tiles;

/// <summary>
/// C2SP tlog-tiles paths: <c>&lt;L&gt;/&lt;N&gt;[.p/&lt;W&gt;]</c>, N as zero-padded three-digit elements, all but the last
/// prefixed with <c>x</c> (1234067 → <c>x001/x234/067</c>); a full tile has width 256.
/// </summary>
public static class TileAddress
{
    public static string Format(long n)
    {
        var groups = new List<string>();
        do
        {
            groups.Insert(0, (n % 1000).ToString("000", CultureInfo.InvariantCulture));
            n /= 1000;
        } while (n > 0);
        return string.Join('/', groups.Select((g, i) => i < groups.Count - 1 ? "x" + g : g));
    }

    public static string Path(int level, long n, int width = 256) => $"{level}/{EntriesPath(n, width)}";

    /// <summary>An entry bundle's path under <c>tile/entries/</c>: <c>&lt;N&gt;[.p/&lt;W&gt;]</c>.</summary>
    public static string EntriesPath(long n, int width = 256) => Format(n) + (width == 256 ? "" : $".p/{width}");

    public static bool TryParse(string path, bool hasLevel, out int level, out long n, out int width)
    {
        level = 0;
        n = 0;
        width = 256;
        var parts = path.Split('/').ToList();
        if (hasLevel)
        {
            if (parts.Count < 2 || !int.TryParse(parts[0], NumberStyles.None, CultureInfo.InvariantCulture, out level) || level > 63) return false;
            parts.RemoveAt(0);
        }
        if (parts.Count >= 2 && parts[^2].EndsWith(".p", StringComparison.Ordinal))
        {
            if (!int.TryParse(parts[^1], NumberStyles.None, CultureInfo.InvariantCulture, out width) || width is < 1 or > 255) return false;
            parts.RemoveAt(parts.Count - 1);
            parts[^1] = parts[^1][..^2];
        }
        for (var i = 0; i < parts.Count; i++)
        {
            var p = parts[i];
            var last = i == parts.Count - 1;
            if (!last) { if (!p.StartsWith('x')) return false; p = p[1..]; }
            if (p.Length != 3 || !p.All(char.IsAsciiDigit)) return false;
            n = n * 1000 + int.Parse(p, CultureInfo.InvariantCulture);
        }
        return parts.Count > 0;
    }
}
