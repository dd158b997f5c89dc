namespace StellaOps.Ops.Contracts.Rpc;

public enum DoctorStatus { Pass, Warn, Fail }
