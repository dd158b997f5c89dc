namespace StellaOps.Ops.Contracts.Rpc;

public enum HsmTestOperation { Ping, Connectivity, Sign }
