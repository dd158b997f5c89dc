using StellaOps.Ops.Attestation.Dsse;
using StellaOps.Ops.Contracts;

namespace StellaOps.Ops.Transparency.Clients;

/// <summary>What to log: a DSSE envelope with exactly one signature, and the signing key (SPKI DER) and its algorithm.</summary>
public sealed record LogSubmissionRequest(DsseEnvelope Envelope, byte[] SignerSpki, KeyAlgorithm Algorithm);
