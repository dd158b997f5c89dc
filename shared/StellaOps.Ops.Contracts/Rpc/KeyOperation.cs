namespace StellaOps.Ops.Contracts.Rpc;

public enum KeyOperation { Sign }
