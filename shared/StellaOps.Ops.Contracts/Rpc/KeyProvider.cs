namespace StellaOps.Ops.Contracts.Rpc;

public enum KeyProvider { Hsm, Software }
