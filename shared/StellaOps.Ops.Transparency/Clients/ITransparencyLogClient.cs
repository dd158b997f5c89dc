namespace StellaOps.Ops.Transparency.Clients;

/// <summary>
/// One transparency log backend, Rekor v1 or v2, behind one interface. A submission returns the entry as the log
/// answered it, NOT yet verified: the caller verifies it (<see cref="Verification.LogEntryVerifier"/>) against the
/// trusted root before relying on it. Failures throw <see cref="TransparencyLogException"/>.
/// </summary>
public interface ITransparencyLogClient
{
    Uri BaseUrl { get; }

    int MajorApiVersion { get; }

    Task<LogSubmission> SubmitAsync(LogSubmissionRequest request, CancellationToken cancellationToken);

    /// <summary>The log's latest signed checkpoint (a C2SP signed note), unverified: v1 <c>GET /api/v1/log</c>, v2 <c>GET checkpoint</c>.</summary>
    Task<string> GetCheckpointAsync(CancellationToken cancellationToken);

    /// <summary>
    /// The consistency proof from the tree of <paramref name="size1"/> to the tree of <paramref name="size2"/>
    /// (0 &lt; size1 &lt; size2), unverified: v1 asks <c>GET /api/v1/log/proof</c>, v2 computes it from the tiles of size2.
    /// </summary>
    Task<IReadOnlyList<byte[]>> GetConsistencyProofAsync(long size1, long size2, CancellationToken cancellationToken);

    /// <summary>
    /// Entries <paramref name="start"/> … start + count − 1 of the tree of <paramref name="treeSize"/> leaves, in index
    /// order, each with an inclusion proof, unverified: v1 by index ranges (<c>POST /api/v1/log/entries/retrieve</c>;
    /// its proofs are for the tree the log has when it answers), v2 from the entry bundles, with proofs computed from
    /// the tiles of treeSize.
    /// </summary>
    Task<IReadOnlyList<LogRead>> GetEntriesAsync(long start, int count, long treeSize, CancellationToken cancellationToken);
}
