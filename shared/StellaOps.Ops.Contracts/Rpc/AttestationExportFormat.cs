using StellaOps.Ops.Contracts.Text;
using StreamJsonRpc;

namespace StellaOps.Ops.Contracts.Rpc;

public enum AttestationExportFormat { Dsse, SigstoreBundle }
