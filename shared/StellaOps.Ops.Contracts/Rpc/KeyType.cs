namespace StellaOps.Ops.Contracts.Rpc;

public enum KeyType { Signing }
