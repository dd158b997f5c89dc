namespace StellaOps.Ops.Contracts.Rpc;

/// <summary>Severity, ordered. Mirrors Microsoft.Extensions.Logging without depending on it.</summary>
public enum LogLevel { Trace, Debug, Information, Warning, Error, Critical }
