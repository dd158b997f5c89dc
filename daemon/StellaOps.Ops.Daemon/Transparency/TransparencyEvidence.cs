using System.Text.Json;
using StellaOps.Ops.Daemon.Attestor;

namespace StellaOps.Ops.Daemon.Transparency;

/// <summary>The stored entries of an attestation, as a bundle's <c>tlogEntries</c> and timestamps; and the outbox depth.</summary>
public sealed class TransparencyEvidence(TransparencyStore store) : IAttestationLogEvidence
{
    public (IReadOnlyList<JsonElement> Entries, IReadOnlyList<byte[]> Timestamps) Of(string attestationId)
    {
        var stored = store.EntriesOf(attestationId);
        var entries = stored.Select(s =>
        {
            using var doc = JsonDocument.Parse(s.Entry.ToJsonBytes());
            return doc.RootElement.Clone();
        }).ToList();
        return (entries, [.. stored.Where(s => s.Token is not null).Select(s => s.Token!)]);
    }

    public long Queued() => store.Outbox().Depth;
}
