namespace StellaOps.Ops.Attestation.Sigstore;

/// <summary>
/// The Sigstore trust material in effect: the trusted root and the signing config, where they came from (a TUF
/// repository and its versions, a file, "not configured") and when they were loaded. Either part may be absent.
/// </summary>
public sealed record SigstoreTrust(SigstoreTrustedRoot? TrustedRoot, SigstoreSigningConfig? SigningConfig, string Origin, DateTimeOffset? LoadedAt)
{
    /// <summary>Issuer keys with their windows from the same source (the TUF repository's signing-keys.json); none by default.</summary>
    public IReadOnlyList<Verification.TrustedKey> SigningKeys { get; init; } = [];

    public static SigstoreTrust NotConfigured { get; } = new(null, null, "not configured", null);
}
