namespace StellaOps.Ops.Contracts.Rpc;

public enum CapabilityState { Ready, Degraded, Down, NotConfigured, Starting }
