using StellaOps.Ops.Contracts;

namespace StellaOps.Ops.Daemon.Trust;

/// <summary>One key of an issuer, from its last accepted document.</summary>
public sealed record IssuerKeyRecord(string IssuerId, string KeyId, KeyAlgorithm Algorithm, byte[] Spki, DateTimeOffset? NotBefore, DateTimeOffset? NotAfter, string Status);
