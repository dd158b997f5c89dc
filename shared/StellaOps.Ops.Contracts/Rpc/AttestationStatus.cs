using StellaOps.Ops.Contracts.Text;
using StreamJsonRpc;

namespace StellaOps.Ops.Contracts.Rpc;

/// <summary>Pending: recorded, not signed yet (or interrupted). Signed: has an envelope. Failed: signing failed; retryable.</summary>
public enum AttestationStatus { Pending, Signed, Failed }
