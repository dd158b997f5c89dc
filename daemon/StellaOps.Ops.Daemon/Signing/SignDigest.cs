using StellaOps.Ops.Contracts;
using StellaOps.Ops.Daemon.Keys;

namespace StellaOps.Ops.Daemon.Signing;

/// <summary>
/// A digest a client asks to have signed: <c>sha256:hex</c> or <c>sha384:hex</c> (hex in either case; bare hex is
/// read by its length, so Get-FileHash output works), checked against the hash the key signs with (<see cref="SigningHash"/>).
/// </summary>
internal static class SignDigest
{
    public static byte[] Parse(string text, KeyRecord key)
    {
        var value = text.Trim();
        string? algorithm = null;
        var colon = value.IndexOf(':', StringComparison.Ordinal);
        if (colon >= 0)
        {
            algorithm = value[..colon].Trim().ToLowerInvariant();
            value = value[(colon + 1)..].Trim();
        }
        algorithm ??= value.Length switch { 64 => "sha256", 96 => "sha384", _ => null };
        var expected = SigningHash.Name(key.Algorithm) ?? "sha256";
        if (algorithm is not ("sha256" or "sha384") || value.Length != (algorithm == "sha256" ? 64 : 96) || !IsHex(value))
            throw OpsException.InvalidArgument($"'{Shorten(text)}' is not a digest: expected {expected}:<{2 * SigningHash.Length(key.Algorithm)} hex characters>.", Shorten(text),
                "Pass a digest like 'sha256:<64 hex>' (Get-FileHash output works), or pass the data with -InputObject or -Path.");
        if (algorithm != expected)
            throw OpsException.InvalidArgument($"Key {key.Id} is {key.Algorithm.ToName()}, which signs {expected} digests; got a {algorithm} digest.", Shorten(text),
                $"Pass a {expected}:<hex> digest, or the data itself (-InputObject or -Path) and the daemon hashes it.");
        return Convert.FromHexString(value);
    }

    private static bool IsHex(string s)
    {
        foreach (var c in s)
            if (!char.IsAsciiHexDigit(c)) return false;
        return true;
    }

    private static string Shorten(string s) => s.Length > 110 ? s[..100] + "…" : s;
}
