namespace StellaOps.Ops.Contracts.Rpc;

public enum HsmOverallState { NotConfigured, Connected, Degraded, Down, FailedOver }
