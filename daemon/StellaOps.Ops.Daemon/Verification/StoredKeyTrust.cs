using StellaOps.Ops.Attestation.Verification;
using StellaOps.Ops.Daemon.Keys;

namespace StellaOps.Ops.Daemon.Verification;

/// <summary>
/// The one mapping from a stored key to the key a verifier trusts. Its window is the signing times the key is
/// trusted for: from <see cref="KeyRecord.NotBefore"/> to <see cref="KeyRecord.VerifyUntil"/>, which rotation sets to
/// the end of the overlap and revocation to the moment of revocation, so a rotated key still verifies what it
/// signed before and a revoked key nothing it "signed" after. The same window the published issuer document states.
/// </summary>
public static class StoredKeyTrust
{
    public const string Source = "this daemon's key store";

    public static TrustedKey ToTrustedKey(this KeyRecord key)
    {
        ArgumentNullException.ThrowIfNull(key);
        return new TrustedKey(key.SubjectPublicKeyInfo, key.NotBefore, key.VerifyUntil, key.Id, $"{Source} ({key.Name}, {key.StoredStatus.ToString().ToLowerInvariant()})");
    }
}
