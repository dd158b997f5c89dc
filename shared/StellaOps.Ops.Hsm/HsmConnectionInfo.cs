namespace StellaOps.Ops.Hsm;

/// <summary>Snapshot of a connection for status displays.</summary>
public sealed record HsmConnectionInfo(
    string Name,
    HsmConnectionState State,
    string? StateReason,
    string LibraryPath,
    string? LibraryManufacturer,
    string? LibraryDescription,
    string? CryptokiVersion,
    string? LibraryVersion,
    string? TokenLabel,
    string? TokenSerial,
    string? TokenModel,
    string? TokenManufacturer,
    ulong? TokenFlags,
    ulong? SlotId,
    HsmSessionCounts Sessions,
    string? LastError,
    DateTimeOffset? LastErrorAt,
    HsmProbeResult? LastProbe,
    bool PinFailureLatched,
    long LoginAttempts,
    long ModuleGeneration);
