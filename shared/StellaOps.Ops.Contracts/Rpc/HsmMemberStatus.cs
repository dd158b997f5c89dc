namespace StellaOps.Ops.Contracts.Rpc;

public sealed record HsmMemberStatus
{
    public string Name { get; init; } = "";
    public HsmMemberRole Role { get; init; }
    public string State { get; init; } = "";
    public string LibraryPath { get; init; } = "";
    public bool LibraryLoaded { get; init; }
    public string? LibraryDescription { get; init; }
    public string? Manufacturer { get; init; }
    public string? CryptokiVersion { get; init; }
    public string? TokenLabel { get; init; }
    public string? TokenSerial { get; init; }
    public string? TokenModel { get; init; }
    public ulong? SlotId { get; init; }
    public bool PersistentSessionOpen { get; init; }
    public int SessionsInUse { get; init; }
    public int SessionsIdle { get; init; }
    public int PoolSize { get; init; }
    public string? LastError { get; init; }
    public DateTimeOffset? LastProbeAt { get; init; }
    public bool? LastProbeSucceeded { get; init; }
    public TimeSpan? LastProbeLatency { get; init; }
    /// <summary>Operation sessions opened since the connection was made (reconnects add more).</summary>
    public long SessionsOpened { get; init; }
    /// <summary>Most operation sessions busy at the same moment: above 1 means signatures ran in parallel.</summary>
    public long PeakSessionsInUse { get; init; }
    /// <summary>Times a session was entered by a second thread while in use: a bug if ever above 0 (the call was refused).</summary>
    public long ConcurrentUseViolations { get; init; }

    public override string ToString()
        => $"{Name}: {State}; token {(TokenLabel is null ? "(none)" : $"'{TokenLabel}'")} in slot {(SlotId is { } slot ? slot.ToString(System.Globalization.CultureInfo.InvariantCulture) : "-")}"
           + (string.IsNullOrEmpty(LastError) ? "" : $"; last error: {LastError}");
}
