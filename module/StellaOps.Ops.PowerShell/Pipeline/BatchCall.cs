using StellaOps.Ops.Contracts.Client;
using StellaOps.Ops.Contracts.Rpc;

namespace StellaOps.Ops.PowerShell.Pipeline;

/// <summary>
/// One daemon call for a batch of a <see cref="RequestPipeline{TRequest, TAnswer}"/>: answers one result per request,
/// in the requests' order (signing.Sign, attest.Create, …). <paramref name="progress"/> is null unless the pipeline
/// shows the daemon's progress for this call.
/// </summary>
public delegate Task<TAnswer[]> BatchCall<TRequest, TAnswer>(OpsClient client, TRequest[] requests, IProgress<OperationProgress>? progress, CancellationToken cancellationToken);
