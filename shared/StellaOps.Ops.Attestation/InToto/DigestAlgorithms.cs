namespace StellaOps.Ops.Attestation.InToto;

/// <summary>The subject digest algorithms accepted: <c>sha256</c> (64 lowercase hex) and <c>sha512</c> (128).</summary>
public static class DigestAlgorithms
{
    public const string Sha256 = "sha256";
    public const string Sha512 = "sha512";

    public static IReadOnlyList<string> All { get; } = [Sha256, Sha512];

    /// <summary>Number of hex characters a digest of <paramref name="algorithm"/> has, or null if unsupported.</summary>
    public static int? HexLength(string algorithm) => algorithm switch
    {
        Sha256 => 64,
        Sha512 => 128,
        _ => null,
    };

    /// <summary>Null when the pair is valid, otherwise a sentence saying what is wrong.</summary>
    public static string? Validate(string algorithm, string hex)
    {
        var length = HexLength(algorithm);
        if (length is null)
        {
            return $"Unsupported digest algorithm '{algorithm}'. Use one of: {string.Join(", ", All)} (lowercase).";
        }
        if (!Hex.IsLowerHex(hex, length.Value))
        {
            return $"A {algorithm} digest must be exactly {length} lowercase hex characters; got {Describe(hex)}.";
        }
        return null;
    }

    private static string Describe(string hex) => hex.Length > 20 ? $"{hex.Length} characters starting '{hex[..20]}'" : $"'{hex}'";
}
