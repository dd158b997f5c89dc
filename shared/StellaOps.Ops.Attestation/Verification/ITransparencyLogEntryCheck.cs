using System.Text.Json;
using StellaOps.Ops.Attestation.Dsse;
using StellaOps.Ops.Attestation.Sigstore;

namespace StellaOps.Ops.Attestation.Verification;

/// <summary>
/// Checks one transparency-log entry of a bundle (Sigstore <c>TransparencyLogEntry</c> JSON) offline against the
/// trusted logs: StellaOps.Ops.Transparency implements it (proof, checkpoint, SET, log key window, body), and the
/// verifier is given one through <see cref="AttestationVerifierOptions.LogEntryCheck"/> (this library cannot depend on it).
/// </summary>
public interface ITransparencyLogEntryCheck
{
    /// <param name="timestamps">The RFC 3161 tokens over the signature: a v2 entry (which logs no time) is judged at theirs.</param>
    /// <param name="fallbackTime">
    /// When no timestamp gives a v2 entry its time: the daemon's record of when it signed (a stored attestation, judged
    /// as it was when it was logged), else the current time.
    /// </param>
    TransparencyLogEntryResult Check(JsonElement entry, DsseEnvelope envelope, byte[] signerSpki, IReadOnlyList<TransparencyLogInstance> logs,
        IReadOnlyList<byte[]> timestamps, DateTimeOffset fallbackTime);
}
