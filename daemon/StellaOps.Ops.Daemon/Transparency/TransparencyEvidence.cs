using System.Text.Json;
using StellaOps.Ops.Daemon.Attestor;
using StellaOps.Ops.Transparency.Entries;

namespace StellaOps.Ops.Daemon.Transparency;

/// <summary>The stored entries of an attestation, as a bundle's <c>tlogEntries</c> and timestamps; and the outbox depth.</summary>
public sealed class TransparencyEvidence(TransparencyStore store) : IAttestationLogEvidence
{
    public (IReadOnlyList<JsonElement> Entries, IReadOnlyList<byte[]> Timestamps) Of(string attestationId) => Evidence(store.EntriesOf(attestationId));

    public IReadOnlyDictionary<string, (IReadOnlyList<JsonElement> Entries, IReadOnlyList<byte[]> Timestamps)> OfMany(IReadOnlyCollection<string> attestationIds)
        => store.EntriesOfMany(attestationIds).ToDictionary(e => e.Key, e => Evidence(e.Value), StringComparer.Ordinal);

    private static (IReadOnlyList<JsonElement> Entries, IReadOnlyList<byte[]> Timestamps) Evidence(IReadOnlyList<(LogEntry Entry, byte[]? Token)> stored)
    {
        var entries = stored.Select(s =>
        {
            using var doc = JsonDocument.Parse(s.Entry.ToJsonBytes());
            return doc.RootElement.Clone();
        }).ToList();
        return (entries, [.. stored.Where(s => s.Token is not null).Select(s => s.Token!)]);
    }

    public long Queued() => store.Outbox().Depth;
}
