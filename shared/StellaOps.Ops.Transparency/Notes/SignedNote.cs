using System.Text;

namespace StellaOps.Ops.Transparency.Notes;

/// <summary>
/// A C2SP signed note: a text ending in a newline, a blank line, then one or more signature lines. The text is
/// split from the signatures at the LAST blank line (the text may contain blank lines itself). Verification: a
/// signature by a key not given is ignored; a signature by a given key (same name and key id) that does not verify
/// rejects the whole note; and at least one given key must have verified.
/// </summary>
public sealed class SignedNote
{
    /// <summary>Signed notes larger than this are refused unread (a checkpoint is a few hundred bytes).</summary>
    public const int MaxLength = 1 << 16;

    private SignedNote(string text, IReadOnlyList<NoteSignature> signatures)
    {
        Text = text;
        Signatures = signatures;
    }

    /// <summary>The signed text, including its final newline.</summary>
    public string Text { get; }

    public IReadOnlyList<NoteSignature> Signatures { get; }

    public override string ToString() => Text + "\n" + string.Concat(Signatures.Select(s => s.ToLine()));

    public static bool TryParse(string? note, [System.Diagnostics.CodeAnalysis.NotNullWhen(true)] out SignedNote? parsed, out string error)
    {
        parsed = null;
        if (string.IsNullOrEmpty(note)) { error = "the signed note is empty"; return false; }
        if (note.Length > MaxLength) { error = $"the signed note is longer than {MaxLength} characters"; return false; }
        if (note.Any(c => c < 0x20 && c != '\n')) { error = "the signed note contains control characters other than newline"; return false; }
        if (!note.EndsWith('\n')) { error = "the signed note does not end with a newline"; return false; }
        var split = note.LastIndexOf("\n\n", StringComparison.Ordinal);
        if (split < 0) { error = "the signed note has no blank line between its text and its signatures"; return false; }
        var text = note[..(split + 1)];
        var signatures = new List<NoteSignature>();
        foreach (var line in note[(split + 2)..].Split('\n')[..^1])
        {
            if (!line.StartsWith("\u2014 ", StringComparison.Ordinal)) { error = $"'{Shorten(line)}' is not a signature line (— name signature)"; return false; }
            var parts = line[2..].Split(' ');
            if (parts.Length != 2 || parts[0].Length == 0) { error = $"the signature line '{Shorten(line)}' is not '— name base64'"; return false; }
            byte[] bytes;
            try { bytes = Convert.FromBase64String(parts[1]); }
            catch (FormatException) { error = $"the signature of '{parts[0]}' is not base64"; return false; }
            if (bytes.Length < 5) { error = $"the signature of '{parts[0]}' is too short to hold a key id and a signature"; return false; }
            signatures.Add(new NoteSignature(parts[0], bytes[..4], bytes[4..]));
        }
        if (signatures.Count == 0) { error = "the signed note has no signature lines"; return false; }
        parsed = new SignedNote(text, signatures);
        error = "";
        return true;
    }

    /// <summary>
    /// Checks the signatures against <paramref name="keys"/>; true when at least one given key verified and none of the
    /// given keys' signatures failed. <paramref name="verifiedBy"/> names the keys that verified.
    /// </summary>
    public bool Verify(IEnumerable<NoteVerifierKey> keys, out IReadOnlyList<NoteVerifierKey> verifiedBy, out string error)
    {
        var known = keys.ToList();
        var good = new List<NoteVerifierKey>();
        var data = Encoding.UTF8.GetBytes(Text);
        foreach (var signature in Signatures)
        {
            var key = known.FirstOrDefault(k => k.Name == signature.Name && k.KeyId.AsSpan().SequenceEqual(signature.KeyId));
            if (key is null) continue;
            if (!key.Verify(data, signature.Signature))
            {
                verifiedBy = [];
                error = $"the signature of known key '{signature.Name}' ({Convert.ToHexStringLower(signature.KeyId)}) does not verify";
                return false;
            }
            good.Add(key);
        }
        verifiedBy = good;
        if (good.Count == 0)
        {
            error = $"no signature is by a trusted key (signed by {string.Join(", ", Signatures.Select(s => $"{s.Name} {Convert.ToHexStringLower(s.KeyId)}"))})";
            return false;
        }
        error = "";
        return true;
    }

    /// <summary>Signs <paramref name="text"/> (which must end in a newline) with each signer.</summary>
    public static SignedNote Sign(string text, IEnumerable<(string Name, byte[] KeyId, Func<byte[], byte[]> Sign)> signers)
    {
        if (!text.EndsWith('\n')) throw new ArgumentException("A note's text ends with a newline.", nameof(text));
        var data = Encoding.UTF8.GetBytes(text);
        return new SignedNote(text, [.. signers.Select(s => new NoteSignature(s.Name, s.KeyId, s.Sign(data)))]);
    }

    private static string Shorten(string s) => s.Length <= 60 ? s : s[..60] + "…";
}
