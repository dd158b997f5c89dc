namespace StellaOps.Ops.Contracts.Rpc;

/// <summary>
/// One link's verdict. <see cref="Valid"/> and <see cref="Trusted"/> (a root in the trust store) pass; the others
/// are the runbook's causes: certificate expired or not yet valid, wrong key usage, not a CA, a bad signature,
/// intermediate missing, root not trusted.
/// </summary>
public enum CertificateLinkStatus
{
    Valid,
    Trusted,
    Expired,
    NotYetValid,
    WrongKeyUsage,
    NotCA,
    BadSignature,
    IntermediateMissing,
    RootNotTrusted,
}
