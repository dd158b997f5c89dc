using System.Text.Json;

namespace StellaOps.Ops.Daemon.Attestor;

/// <summary>
/// An attestation's transparency-log evidence as bundles carry it: the stored, verified entries (Sigstore
/// <c>TransparencyLogEntry</c> JSON) and the RFC 3161 tokens of v2 entries. The transparency capability provides it;
/// export and verification of stored attestations read it.
/// </summary>
public interface IAttestationLogEvidence
{
    (IReadOnlyList<JsonElement> Entries, IReadOnlyList<byte[]> Timestamps) Of(string attestationId);

    /// <summary>How many signed attestations wait to be logged (the outbox depth).</summary>
    long Queued();

    /// <summary><see cref="Of"/> for a batch of attestations (verification reads them in one pass); every id given is a key.</summary>
    IReadOnlyDictionary<string, (IReadOnlyList<JsonElement> Entries, IReadOnlyList<byte[]> Timestamps)> OfMany(IReadOnlyCollection<string> attestationIds)
        => attestationIds.Distinct(StringComparer.Ordinal).ToDictionary(id => id, Of, StringComparer.Ordinal);
}
