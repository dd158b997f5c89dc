using System.Security.Cryptography;
using System.Security.Cryptography.X509Certificates;

namespace StellaOps.Ops.Attestation.Verification;

/// <summary>Whether a trusted CA certificate ends a chain (a root) or only links one (an intermediate).</summary>
public enum TrustedCertificateRole
{
    Root,
    Intermediate,
}
