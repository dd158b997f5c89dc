using StellaOps.Ops.Attestation.Dsse;
using StellaOps.Ops.Transparency.Entries;

namespace StellaOps.Ops.Transparency.Tests;

/// <summary>An envelope a test log holds, its entry as the log answered it, and the Sigstore bundle v0.3 carrying both.</summary>
internal sealed record LoggedBundle(string Json, DsseEnvelope Envelope, byte[] Spki, string KeyPem, string KeyId, LogEntry Entry);
