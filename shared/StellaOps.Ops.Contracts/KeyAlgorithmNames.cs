namespace StellaOps.Ops.Contracts;

public static class KeyAlgorithmNames
{
    public const string EcdsaP256 = "ecdsa-p256";
    public const string EcdsaP384 = "ecdsa-p384";
    public const string Rsa3072 = "rsa-3072";
    public const string Ed25519 = "ed25519";

    public static IReadOnlyList<string> All { get; } = [EcdsaP256, EcdsaP384, Rsa3072, Ed25519];

    public static string ToName(this KeyAlgorithm algorithm) => algorithm switch
    {
        KeyAlgorithm.EcdsaP256 => EcdsaP256,
        KeyAlgorithm.EcdsaP384 => EcdsaP384,
        KeyAlgorithm.Rsa3072 => Rsa3072,
        KeyAlgorithm.Ed25519 => Ed25519,
        _ => throw new ArgumentOutOfRangeException(nameof(algorithm), algorithm, null),
    };

    public static bool TryParse(string? text, out KeyAlgorithm algorithm)
    {
        switch (text?.Trim().ToLowerInvariant())
        {
            case EcdsaP256 or "ecdsap256" or "p256" or "p-256": algorithm = KeyAlgorithm.EcdsaP256; return true;
            case EcdsaP384 or "ecdsap384" or "p384" or "p-384": algorithm = KeyAlgorithm.EcdsaP384; return true;
            case Rsa3072 or "rsa3072": algorithm = KeyAlgorithm.Rsa3072; return true;
            case Ed25519: algorithm = KeyAlgorithm.Ed25519; return true;
            default: algorithm = default; return false;
        }
    }

    public static KeyAlgorithm Parse(string text) => TryParse(text, out var a)
        ? a
        : throw new FormatException($"Unknown key algorithm '{text}'. Use one of: {string.Join(", ", All)}.");
}
