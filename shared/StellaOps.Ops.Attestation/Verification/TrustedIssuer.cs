namespace StellaOps.Ops.Attestation.Verification;

/// <summary>
/// A named signer identity: the keys it signs with and whether it is trusted now (approved by enough operators and
/// not revoked). <see cref="Reason"/> says why in words, for the "issuer trusted" check.
/// </summary>
/// <param name="Id">The issuer's id, as `stella issuer show &lt;id&gt;` takes it.</param>
/// <param name="KeyIds">Ids of the issuer's keys (the same ids as <see cref="TrustedKey.KeyId"/>).</param>
/// <param name="Trusted">True when the issuer is trusted now.</param>
/// <param name="Reason">Why it is or is not trusted (approvals, revocation).</param>
public sealed record TrustedIssuer(string Id, IReadOnlyList<string> KeyIds, bool Trusted, string Reason);
