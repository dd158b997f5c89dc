using StellaOps.Ops.Contracts;

namespace StellaOps.Ops.PowerShell.Pipeline;

/// <summary>
/// How a <see cref="RequestPipeline{TRequest, TAnswer}"/> cuts pipeline input into calls. One set of numbers for every
/// streaming cmdlet, so that Invoke-StellaSign and New-StellaAttestation load the daemon and hold memory alike.
/// </summary>
public sealed record RequestPipelineLimits
{
    /// <summary>Items per call: large enough that the round trip is noise, small enough to stream; never over the daemon's batch limit.</summary>
    public int BatchItems { get; init; } = Math.Min(Protocol.MaxBatchItems, 256);

    /// <summary>
    /// Request bytes after which a batch is sent early, however few items it has: the daemon refuses a frame over
    /// 4 MiB, and a batch of large predicates or data must stay well under it.
    /// </summary>
    public int BatchBytes { get; init; } = 1 << 20;

    /// <summary>
    /// Calls sent and not yet answered before the pipeline waits for the oldest. The daemon already works on each
    /// batch in parallel (bounded by the key's provider); more batches would only queue there and hold memory here.
    /// </summary>
    public int MaxInFlight { get; init; } = 8;

    public static RequestPipelineLimits Default { get; } = new();
}
