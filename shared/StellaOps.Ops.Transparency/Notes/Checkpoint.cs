using System.Globalization;

namespace StellaOps.Ops.Transparency.Notes;

/// <summary>
/// A tlog checkpoint (C2SP tlog-checkpoint), the text of a signed note: the origin line, the tree size in decimal,
/// the base64 root hash, then optional extension lines.
/// </summary>
public sealed record Checkpoint(string Origin, long Size, byte[] RootHash, IReadOnlyList<string> Extensions)
{
    public string ToText() => $"{Origin}\n{Size.ToString(CultureInfo.InvariantCulture)}\n{Convert.ToBase64String(RootHash)}\n" + string.Concat(Extensions.Select(e => e + "\n"));

    public static bool TryParse(string text, [System.Diagnostics.CodeAnalysis.NotNullWhen(true)] out Checkpoint? checkpoint, out string error)
    {
        checkpoint = null;
        var lines = text.Split('\n');
        if (lines.Length < 4 || lines[^1].Length != 0) { error = "a checkpoint has an origin, a size and a root hash line, each ending in a newline"; return false; }
        if (lines[0].Length == 0) { error = "the checkpoint's origin line is empty"; return false; }
        if (!long.TryParse(lines[1], NumberStyles.None, CultureInfo.InvariantCulture, out var size) || (lines[1].Length > 1 && lines[1][0] == '0'))
        { error = $"the checkpoint's size '{lines[1]}' is not a decimal number"; return false; }
        byte[] root;
        try { root = Convert.FromBase64String(lines[2]); }
        catch (FormatException) { error = "the checkpoint's root hash is not base64"; return false; }
        if (root.Length != 32) { error = $"the checkpoint's root hash is {root.Length} bytes, not 32"; return false; }
        checkpoint = new Checkpoint(lines[0], size, root, lines[3..^1]);
        error = "";
        return true;
    }
}
