using StellaOps.Ops.Attestation.Verification;

namespace StellaOps.Ops.Daemon.Trust;

/// <summary>One snapshot of the issuer directory for verification, and the approval rule it was judged under.</summary>
public sealed record IssuerMaterial(string ApprovalsRequired, IReadOnlyList<TrustedIssuer> Issuers, IReadOnlyList<TrustedKey> Keys);
