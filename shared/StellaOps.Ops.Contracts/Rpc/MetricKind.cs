namespace StellaOps.Ops.Contracts.Rpc;

public enum MetricKind { Counter, UpDownCounter, Gauge, Histogram }
