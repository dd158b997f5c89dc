using StellaOps.Ops.Contracts;
using StellaOps.Ops.Contracts.Rpc;
using StellaOps.Ops.Daemon.Attestor;

namespace StellaOps.Ops.Daemon.Transparency;

public sealed class TlogRpc(TransparencyBackends backends, TransparencyStore store, AttestationStore attestations, TransparencySignal signal, TransparencyLogSearch logSearch, TimeProvider time) : ITlogRpc
{
    /// <summary>The widest search window, so one answer stays bounded.</summary>
    public static readonly TimeSpan MaxWindow = TimeSpan.FromDays(366);

    public Task<TlogStatus> StatusAsync(CancellationToken cancellationToken)
    {
        var snapshot = backends.Current;
        var (depth, oldest) = store.Outbox();
        return Task.FromResult(new TlogStatus
        {
            Backends = Describe(snapshot, depth),
            NotConfigured = snapshot.Backends.Count > 0 ? null : new OpsError
            {
                Code = OpsErrorCode.TransparencyLogNotConfigured,
                Message = backends.IsConfigured
                    ? $"The signing config's transparency logs cannot be used now: {snapshot.Problem} Attestations stay Signed and queued until they can."
                    : $"No transparency log is configured: {snapshot.Problem}. Attestations stay Signed.",
                RecommendedAction = TransparencyHealthCheck.ConfigureCommand,
            },
            OutboxDepth = depth,
            OutboxOldest = oldest,
            Logged = store.LoggedCount(),
        });
    }

    public async Task<TlogBackendInfo[]> ResetCircuitsAsync(string? backend, CancellationToken cancellationToken)
    {
        var snapshot = backends.Current;
        IReadOnlyList<LogBackend> chosen;
        if (string.IsNullOrWhiteSpace(backend)) chosen = snapshot.Backends;
        else
        {
            chosen = backends.Find(backend) is { } one ? [one]
                : throw new OpsException(OpsErrorCode.TransparencyLogBackendNotFound,
                    $"No transparency-log backend is '{backend}'; the backends are: {(snapshot.Backends.Count == 0 ? "none" : string.Join(", ", snapshot.Backends.Select(b => b.Name)))}.",
                    backend, "List them: stella trust status --show-backends");
        }
        foreach (var b in chosen) await b.Resilience.ResetAsync().ConfigureAwait(false);
        store.ClearBackoff();
        signal.Wake();
        var names = chosen.Select(b => b.Name).ToHashSet(StringComparer.Ordinal);
        return [.. Describe(snapshot, store.Outbox().Depth).Where(i => names.Contains(i.Url))];
    }

    public Task<TlogSearchHit[]> SearchAsync(TlogSearchQuery query, CancellationToken cancellationToken)
    {
        ArgumentNullException.ThrowIfNull(query);
        CheckWindow(query);
        var limit = Math.Clamp(query.Limit, 1, Protocol.MaxBatchItems);
        return Task.FromResult(store.Search(query with { Limit = limit }).ToArray());
    }

    public Task<TlogLogSearch> SearchLogAsync(TlogSearchQuery query, CancellationToken cancellationToken)
    {
        ArgumentNullException.ThrowIfNull(query);
        CheckWindow(query);
        return logSearch.SearchAsync(query, cancellationToken);
    }

    public Task<int> ResubmitAsync(string[] attestationIds, CancellationToken cancellationToken)
    {
        ArgumentNullException.ThrowIfNull(attestationIds);
        if (attestationIds.Length > Protocol.MaxBatchItems) throw OpsException.InvalidArgument($"At most {Protocol.MaxBatchItems} attestations per call.", "attestationIds");
        if (!backends.IsConfigured)
            throw new OpsException(OpsErrorCode.TransparencyLogNotConfigured, "No transparency log is configured; nothing can be resubmitted.", null, TransparencyHealthCheck.ConfigureCommand);
        var items = new List<(string, string)>();
        foreach (var id in attestationIds.Distinct(StringComparer.Ordinal))
        {
            var record = attestations.Find(id) ?? throw new OpsException(OpsErrorCode.NotFound, $"No attestation has id {id}.", id, "List them: stella attest list");
            if (record.KeyId is null || record.Status is not (AttestationStatus.Signed or AttestationStatus.Logged))
                throw new OpsException(OpsErrorCode.Conflict, $"Attestation {id} is not signed; only signed attestations are logged.", id, $"Sign it first: stella attest retry --id {id}");
            items.Add((id, record.KeyId));
        }
        var queued = store.Enqueue(items, time.GetUtcNow());
        signal.Wake();
        return Task.FromResult(queued);
    }

    private static void CheckWindow(TlogSearchQuery query)
    {
        if (query.Before <= query.After)
            throw new OpsException(OpsErrorCode.TransparencyLogSearchInvalid, $"--after ({query.After:O}) must be before --before ({query.Before:O}).", "after", "Give a window: --after 2026-01-01T00:00:00Z --before 2026-01-02T00:00:00Z");
        if (query.Before - query.After > MaxWindow)
            throw new OpsException(OpsErrorCode.TransparencyLogSearchInvalid, $"The window is wider than {MaxWindow.TotalDays:0} days.", "after", "Search a narrower window, one after the other.");
    }

    private static TlogBackendInfo[] Describe(TransparencyBackends.Snapshot snapshot, long depth) => [.. snapshot.Backends.Select((b, i) => new TlogBackendInfo
    {
        Url = b.Name,
        ApiVersion = b.Service.MajorApiVersion,
        Operator = b.Service.Operator,
        Order = i,
        CircuitState = b.Resilience.State.ToString(),
        CircuitSince = b.Resilience.StateSince,
        CircuitReason = b.Resilience.StateReason,
        CircuitOpens = b.Opens,
        LastSuccess = b.LastSuccess,
        LastError = b.LastError,
        Submissions = b.Submissions,
        Failures = b.Failures,
        QueueDepth = depth,
    })];
}
