using StellaOps.Ops.Contracts.Text;
using StreamJsonRpc;

namespace StellaOps.Ops.Contracts.Rpc;

public enum VerificationCheckStatus { Pass, Fail, Skipped }
