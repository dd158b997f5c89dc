using StellaOps.Ops.Attestation.Verification;
using StellaOps.Ops.Daemon.Keys;

namespace StellaOps.Ops.Daemon.Verification;

/// <summary>The daemon's own keys as trust material: every stored key with its window (<see cref="StoredKeyTrust"/>).</summary>
public sealed class StoredKeyTrustMaterial(KeyStore keys) : ITrustMaterial
{
    public IReadOnlyList<TrustedKey> Keys
    {
        get
        {
            var list = new List<TrustedKey>();
            foreach (var key in keys.All())
            {
                // A stored key whose algorithm this build cannot verify is left out; the verifier then says "trust anchor not found".
                try { list.Add(key.ToTrustedKey()); }
                catch (ArgumentException) { }
            }
            return list;
        }
    }

    public IReadOnlyList<TrustedCertificate> Certificates => [];

    public IReadOnlyList<TrustedIssuer> Issuers => [];
}
