using StellaOps.Ops.Contracts.Text;
using StreamJsonRpc;

namespace StellaOps.Ops.Contracts.Rpc;

/// <summary>
/// The attestor (runbook "signature generation failures"): evidence is recorded first, then signed as an in-toto
/// DSSE attestation. A failed signing keeps the attestation as <see cref="AttestationStatus.Failed"/>, never drops it.
/// </summary>
[JsonRpcContract]
public partial interface IAttestRpc
{
    /// <summary>
    /// Records each statement durably, then signs it. Batched: the evidence of the whole batch is committed before
    /// any signing starts. An item whose signing failed comes back with its attestation (status Failed) and its error.
    /// </summary>
    [RequiresRole(CallerRole.Operator)]
    Task<AttestationResult[]> CreateAsync(AttestationRequest[] requests, IProgress<OperationProgress>? progress, CancellationToken cancellationToken);

    /// <summary>Newest first.</summary>
    [RequiresRole(CallerRole.Reader)]
    Task<AttestationInfo[]> ListAsync(AttestationQuery query, CancellationToken cancellationToken);

    /// <summary>
    /// One page of the list, newest first: at most <see cref="AttestationQuery.Limit"/> (capped at
    /// <see cref="AttestationPage.MaxItems"/>) and at most <see cref="AttestationPage.MaxBytes"/> of answer (less under a
    /// smaller Ipc:MaxAnswerBytes), so a list of any length streams in calls that each fit. Pass the page's
    /// <see cref="AttestationPage.Next"/> as <see cref="AttestationQuery.Cursor"/> for the page after it.
    /// </summary>
    [RequiresRole(CallerRole.Reader)]
    Task<AttestationPage> ListPageAsync(AttestationQuery query, CancellationToken cancellationToken);

    /// <summary>An attestation by id (or an unambiguous id prefix of at least 8 characters), with its statement, envelope and history.</summary>
    [RequiresRole(CallerRole.Reader)]
    Task<AttestationInfo> GetAsync(string id, CancellationToken cancellationToken);

    /// <summary>Signs failed (and interrupted) attestations again, or re-signs given ones with the current key.</summary>
    [RequiresRole(CallerRole.Operator)]
    Task<AttestationResult[]> RetryAsync(AttestationRetryRequest request, IProgress<OperationProgress>? progress, CancellationToken cancellationToken);

    /// <summary>Signs and verifies a throwaway statement (nothing is stored), reporting each step.</summary>
    [RequiresRole(CallerRole.Reader)]
    Task<SigningTestResult> TestSigningAsync(CancellationToken cancellationToken);

    /// <summary>Checks that each stored envelope still matches its statement and its signature verifies.</summary>
    [RequiresRole(CallerRole.Reader)]
    Task<IntegrityResult[]> CheckIntegrityAsync(string[] ids, CancellationToken cancellationToken);

    /// <summary>The attestation as a DSSE envelope or a Sigstore bundle v0.3 (JSON text); the client writes the file.</summary>
    [RequiresRole(CallerRole.Reader)]
    Task<AttestationExport> ExportAsync(string id, AttestationExportFormat format, CancellationToken cancellationToken);

    /// <summary>Signing mode, the key the attestor signs with, counts by status and the last failure.</summary>
    [RequiresRole(CallerRole.Reader)]
    Task<AttestorStatus> GetStatusAsync(CancellationToken cancellationToken);
}
