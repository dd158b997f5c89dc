using StellaOps.Ops.Contracts;
using StellaOps.Ops.Contracts.Rpc;

namespace StellaOps.Ops.Daemon.Attestor;

/// <summary>The outcome of one signing, written back to its row: the signature, or the error (with the advice the daemon gives).</summary>
public sealed record SigningOutcome(string Id, byte[]? Signature, string? KeyId, KeyAlgorithm? Algorithm, OpsError? Error, bool Resign);
