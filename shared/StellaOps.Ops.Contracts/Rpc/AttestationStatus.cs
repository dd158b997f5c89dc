using StellaOps.Ops.Contracts.Text;
using StreamJsonRpc;

namespace StellaOps.Ops.Contracts.Rpc;

/// <summary>
/// Pending: recorded, not signed yet (or interrupted). Signed: has an envelope. Failed: signing failed; retryable.
/// Logged: signed, and its transparency-log entry was stored and verified (appended last: stored by name).
/// </summary>
public enum AttestationStatus { Pending, Signed, Failed, Logged }
