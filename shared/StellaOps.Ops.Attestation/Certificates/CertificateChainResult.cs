using StellaOps.Ops.Contracts.Rpc;

namespace StellaOps.Ops.Attestation.Certificates;

/// <summary>Every link of a chain with its verdict, whether the whole chain leads to a trust anchor, and the first failure in words.</summary>
public sealed record CertificateChainResult(IReadOnlyList<CertificateLink> Links, bool Valid, string Summary);
