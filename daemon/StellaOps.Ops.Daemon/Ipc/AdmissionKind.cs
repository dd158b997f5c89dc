namespace StellaOps.Ops.Daemon.Ipc;

public enum AdmissionKind { Served, Refused, Dropped }
