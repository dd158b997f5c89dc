using StellaOps.Ops.Contracts;
using StellaOps.Ops.Contracts.Rpc;
using StellaOps.Ops.Daemon.Keys;

namespace StellaOps.Ops.Daemon.Attestor;

public sealed class AttestRpc(
    AttestorService attestor,
    AttestationInspector inspector,
    AttestationStore store,
    SigningProbe probe,
    SigningKeySelection selection,
    TimeProvider time,
    ISystemRpc system,
    Microsoft.Extensions.Options.IOptions<Ipc.IpcOptions> ipc,
    IEnumerable<IAttestationLogEvidence>? logEvidence = null) : IAttestRpc
{
    private readonly IAttestationLogEvidence[] _logEvidence = [.. logEvidence ?? []];

    public Task<AttestationResult[]> CreateAsync(AttestationRequest[] requests, IProgress<OperationProgress>? progress, CancellationToken cancellationToken)
        => attestor.CreateAsync(requests, progress, cancellationToken);

    public Task<AttestationInfo[]> ListAsync(AttestationQuery query, CancellationToken cancellationToken) => Task.FromResult(attestor.List(query).ToArray());

    public Task<AttestationPage> ListPageAsync(AttestationQuery query, CancellationToken cancellationToken)
        // A page is bounded by its own byte budget and by half the answer limit, so that it is never refused for its size.
        => Task.FromResult(attestor.ListPage(query, Math.Min(AttestationPage.MaxBytes, ipc.Value.MaxAnswerBytes / 2)));

    public Task<AttestationInfo> GetAsync(string id, CancellationToken cancellationToken) => Task.FromResult(attestor.Get(id));

    public Task<AttestationResult[]> RetryAsync(AttestationRetryRequest request, IProgress<OperationProgress>? progress, CancellationToken cancellationToken)
        => attestor.RetryAsync(request, progress, cancellationToken);

    public Task<SigningTestResult> TestSigningAsync(CancellationToken cancellationToken) => probe.RunAsync(cancellationToken);

    public Task<IntegrityResult[]> CheckIntegrityAsync(string[] ids, CancellationToken cancellationToken) => Task.FromResult(inspector.CheckIntegrity(ids));

    public Task<AttestationExport> ExportAsync(string id, AttestationExportFormat format, CancellationToken cancellationToken) => Task.FromResult(inspector.Export(id, format));

    public async Task<AttestorStatus> GetStatusAsync(CancellationToken cancellationToken)
    {
        var (key, problem) = selection.Check();
        var counts = store.CountByStatus();
        return new AttestorStatus
        {
            SigningMode = selection.Mode,
            ConfiguredKeyId = selection.ConfiguredKeyId,
            SigningKey = problem is null ? key?.ToInfo(time.GetUtcNow()) : null,
            KeyProblem = problem is null ? null : OpsError.From(problem),
            Pending = counts[AttestationStatus.Pending],
            Signed = counts[AttestationStatus.Signed],
            Failed = counts[AttestationStatus.Failed],
            Logged = counts[AttestationStatus.Logged],
            Queued = _logEvidence.Sum(e => e.Queued()),
            LastSignedAt = store.LastSignedAt(),
            LastFailure = store.LastFailure(),
            SigningFailuresTotal = attestor.SigningFailuresTotal,
            Daemon = await system.GetStatusAsync(cancellationToken).ConfigureAwait(false),
        };
    }
}
