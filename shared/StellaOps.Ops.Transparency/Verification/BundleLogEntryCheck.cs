using System.Security.Cryptography.Pkcs;
using System.Text.Json;
using StellaOps.Ops.Attestation.Dsse;
using StellaOps.Ops.Attestation.Sigstore;
using StellaOps.Ops.Attestation.Verification;
using StellaOps.Ops.Transparency.Entries;

namespace StellaOps.Ops.Transparency.Verification;

/// <summary>
/// The verifier's log-entry check (<see cref="AttestationVerifierOptions.LogEntryCheck"/>): reads a bundle's
/// <c>TransparencyLogEntry</c> and runs <see cref="LogEntryVerifier"/>. A verified v1 entry answers its integrated
/// time (the verifier may take it as the signing time). A v2 entry has no time of its own: its log key is judged at
/// the bundle's RFC 3161 time (the verifier checks that token's signature and authority itself), else at the daemon's
/// record of its signing for a stored attestation, as the daemon judged it when it logged it.
/// </summary>
public sealed class BundleLogEntryCheck : ITransparencyLogEntryCheck
{
    public TransparencyLogEntryResult Check(JsonElement entry, DsseEnvelope envelope, byte[] signerSpki, IReadOnlyList<TransparencyLogInstance> logs,
        IReadOnlyList<byte[]> timestamps, DateTimeOffset fallbackTime)
    {
        if (!LogEntry.TryRead(entry, out var parsed, out var error)) return new TransparencyLogEntryResult(false, error, null);
        var result = LogEntryVerifier.Verify(parsed, envelope, signerSpki, logs, TimestampTime(timestamps), fallbackTime);
        // A verified entry with an integrated time had its SET checked over that time (the verifier requires one then).
        var integrated = result.Verified && parsed.IntegratedTime > 0 && parsed.SignedEntryTimestamp is not null
            ? DateTimeOffset.FromUnixTimeSeconds(parsed.IntegratedTime)
            : (DateTimeOffset?)null;
        return new TransparencyLogEntryResult(result.Verified, result.Detail, result.Log?.BaseUrl.AbsoluteUri, integrated);
    }

    /// <summary>The time of the first readable RFC 3161 token (a bare token or a whole TimeStampResp).</summary>
    internal static DateTimeOffset? TimestampTime(IReadOnlyList<byte[]> timestamps)
    {
        foreach (var der in timestamps)
        {
            if (Rfc3161TimestampToken.TryDecode(AttestationVerifier.TokenOf(der), out var token, out _) && token is not null) return token.TokenInfo.Timestamp;
        }
        return null;
    }
}
