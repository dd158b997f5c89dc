namespace StellaOps.Ops.Contracts.Rpc;

public enum KeyStatus { Active, Inactive, Expired, Retired, Revoked }
