using System.Security.Cryptography;
using System.Text;

namespace StellaOps.Ops.Attestation.InToto;

/// <summary>Builds subjects from the forms the runbooks use.</summary>
public static class SubjectFactory
{
    /// <summary>
    /// Parses a runbook <c>--subject</c> value:
    /// <list type="bullet">
    /// <item><c>name@sha256:hex</c> (or <c>sha512</c>): the name and that digest, e.g. an image reference
    /// <c>registry/app@sha256:…</c>.</item>
    /// <item>a bare digest <c>sha256:hex</c>: the name is the whole text (<c>sha256:hex</c>) and the digest is it.</item>
    /// <item>anything else, like the test subject <c>test:verification</c>: a name-only subject whose digest is the
    /// SHA-256 of the name's UTF-8 bytes (see <see cref="FromName"/>). Files are not read here; hash them with
    /// <see cref="FromFile"/>.</item>
    /// </list>
    /// A text that looks like a digest but is not a valid one (<c>sha256:ABC</c>, <c>md5:…</c>, <c>x@sha1:…</c>) is
    /// rejected with <see cref="FormatException"/> rather than silently hashed as a name.
    /// </summary>
    public static Subject Parse(string text)
    {
        ArgumentNullException.ThrowIfNull(text);
        var s = text.Trim();
        if (s.Length == 0) throw new FormatException("A subject cannot be empty.");

        var at = s.LastIndexOf('@');
        if (at >= 0)
        {
            var name = s[..at];
            var digestText = s[(at + 1)..];
            if (TrySplitDigest(digestText, out var alg, out var hex))
            {
                if (name.Length == 0) throw new FormatException($"Subject '{text}' has a digest but no name before '@'.");
                return Create(text, name, alg, hex);
            }
        }

        if (TrySplitDigest(s, out var bareAlg, out var bareHex))
        {
            return Create(text, s, bareAlg, bareHex);
        }

        return FromName(s);
    }

    /// <summary>
    /// A subject with no artifact behind it (the runbooks' <c>test:verification</c>): digest = SHA-256 of the
    /// UTF-8 bytes of <paramref name="name"/>. Deterministic, so a verifier can recompute it from the name alone.
    /// </summary>
    public static Subject FromName(string name)
    {
        ArgumentException.ThrowIfNullOrEmpty(name);
        var hex = Hex.Lower(SHA256.HashData(Encoding.UTF8.GetBytes(name)));
        return new Subject(name, DigestAlgorithms.Sha256, hex);
    }

    /// <summary>Hashes a file (SHA-256, streamed). The subject name is <paramref name="name"/> or the file name.</summary>
    public static Subject FromFile(string path, string? name = null)
    {
        ArgumentException.ThrowIfNullOrEmpty(path);
        using var stream = new FileStream(path, FileMode.Open, FileAccess.Read, FileShare.Read, 1 << 16, FileOptions.SequentialScan);
        var hex = Hex.Lower(SHA256.HashData(stream));
        return new Subject(name ?? Path.GetFileName(path), DigestAlgorithms.Sha256, hex);
    }

    /// <summary>A subject from bytes already in memory (SHA-256).</summary>
    public static Subject FromBytes(string name, ReadOnlySpan<byte> content)
        => new(name, DigestAlgorithms.Sha256, Hex.Lower(SHA256.HashData(content)));

    // "alg:rest" where alg is a digest-algorithm-looking token (letters+digits, starting with a letter, like sha256).
    // Returns true for any such token, valid or not, so that "sha256:XYZ" and "md5:..." are rejected, not hashed.
    private static bool TrySplitDigest(string text, out string algorithm, out string hex)
    {
        algorithm = hex = "";
        var colon = text.IndexOf(':');
        if (colon <= 0) return false;
        var alg = text[..colon];
        var rest = text[(colon + 1)..];
        if (!LooksLikeHashAlgorithm(alg)) return false;
        algorithm = alg;
        hex = rest;
        return true;
    }

    private static bool LooksLikeHashAlgorithm(string alg)
    {
        var lower = alg.ToLowerInvariant();
        // sha1, sha256, sha-512, sha3-256, sha512_256 …, and a few other common digest names.
        if (lower.Length > 3 && lower.StartsWith("sha", StringComparison.Ordinal)
            && lower.AsSpan(3).IndexOfAnyExcept("0123456789-_") < 0 && char.IsAsciiDigit(lower[^1]))
        {
            return true;
        }
        return lower is "md5" or "blake2b" or "blake3" or "sm3";
    }

    private static Subject Create(string original, string name, string alg, string hex)
    {
        var error = DigestAlgorithms.Validate(alg, hex);
        if (error is not null) throw new FormatException($"Subject '{original}': {error}");
        return new Subject(name, alg, hex);
    }
}
