namespace StellaOps.Ops.Transparency.Tiles;

/// <summary>A C2SP tlog-tiles entry bundle: each entry as a big-endian 16-bit length and that many bytes.</summary>
public static class EntryBundle
{
    public static bool TryParse(ReadOnlySpan<byte> bundle, out List<byte[]> entries, out string error)
    {
        entries = [];
        for (var at = 0; at < bundle.Length;)
        {
            if (bundle.Length - at < 2) { error = "an entry bundle ends inside a length prefix"; return false; }
            var length = (bundle[at] << 8) | bundle[at + 1];
            if (bundle.Length - at - 2 < length) { error = "an entry bundle ends inside an entry"; return false; }
            entries.Add(bundle.Slice(at + 2, length).ToArray());
            at += 2 + length;
        }
        error = "";
        return true;
    }
}
