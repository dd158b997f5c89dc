using StellaOps.Ops.Contracts.Text;
using StreamJsonRpc;

namespace StellaOps.Ops.Contracts.Rpc;

/// <summary>The daemon's PKCS#11 HSMs: a primary and an optional backup (runbook "HSM connection issues").</summary>
[JsonRpcContract]
public partial interface IHsmRpc
{
    [RequiresRole(CallerRole.Reader)]
    Task<HsmStatus> GetStatusAsync(CancellationToken cancellationToken);

    [RequiresRole(CallerRole.Reader)]
    Task<HsmSlot[]> GetSlotsAsync(CancellationToken cancellationToken);

    /// <summary>Ping (session probe), Connectivity (library, slot, token, login) or Sign (a real test signature), on each HSM.</summary>
    [RequiresRole(CallerRole.Reader)]
    Task<HsmTestResult[]> TestAsync(HsmTestOperation operation, CancellationToken cancellationToken);

    /// <summary>Reconnects (new sessions, log in again); with <paramref name="reloadLibrary"/> also unloads and reloads the PKCS#11 module.</summary>
    [RequiresRole(CallerRole.Operator)]
    Task<HsmStatus> ResetAsync(bool reloadLibrary, CancellationToken cancellationToken);

    [RequiresRole(CallerRole.Operator)]
    Task<HsmStatus> SwitchAsync(HsmMemberRole to, CancellationToken cancellationToken);

    [RequiresRole(CallerRole.Reader)]
    Task<HsmLoginResult[]> TestLoginAsync(CancellationToken cancellationToken);

    /// <summary>
    /// Changes the user PIN on the token and in the daemon's PIN source. The PINs travel only inbound, over the
    /// local socket, are never audited, logged or returned.
    /// </summary>
    [RequiresRole(CallerRole.Operator)]
    Task<HsmLoginResult> SetPinAsync(string slot, [Sensitive] string currentPin, [Sensitive] string newPin, CancellationToken cancellationToken);

    [RequiresRole(CallerRole.Reader)]
    Task<CryptoProviderInfo[]> GetProvidersAsync(CancellationToken cancellationToken);
}

public enum HsmMemberRole { Primary, Backup }

public enum HsmOverallState { NotConfigured, Connected, Degraded, Down, FailedOver }

public enum HsmTestOperation { Ping, Connectivity, Sign }

public sealed record HsmStatus
{
    public HsmOverallState State { get; init; }
    public HsmMemberRole Active { get; init; }
    public IReadOnlyList<HsmMemberStatus> Members { get; init; } = [];
    public bool KeepAlive { get; init; }
    public Duration KeepAliveInterval { get; init; }
    public Duration SessionTimeout { get; init; }
    public IReadOnlyList<HsmStateChange> History { get; init; } = [];
}

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

public sealed record HsmStateChange
{
    public DateTimeOffset Timestamp { get; init; }
    public string Hsm { get; init; } = "";
    public string From { get; init; } = "";
    public string To { get; init; } = "";
    public string Reason { get; init; } = "";

    public override string ToString() => $"{DisplayText.Time(Timestamp)} {Hsm}: {From} -> {To} ({Reason})";
}

public sealed record HsmSlot
{
    public string Hsm { get; init; } = "";
    public ulong SlotId { get; init; }
    public string Description { get; init; } = "";
    public bool TokenPresent { get; init; }
    public string? TokenLabel { get; init; }
    public string? TokenSerial { get; init; }
    public string? TokenModel { get; init; }
    public bool TokenInitialized { get; init; }
    /// <summary>True for the slot holding the configured token.</summary>
    public bool InUse { get; init; }
}

public sealed record HsmTestResult
{
    public string Hsm { get; init; } = "";
    public HsmTestOperation Operation { get; init; }
    public bool Success { get; init; }
    public TimeSpan Latency { get; init; }
    /// <summary>What the test found, for people: the steps that passed and, for a failed test, where it broke.</summary>
    public string Message { get; init; } = "";
    /// <summary>Why the test failed, typed (code, message, the daemon's next step); null when it succeeded.</summary>
    public OpsError? Error { get; init; }
}

public sealed record HsmLoginResult
{
    public string Hsm { get; init; } = "";
    public bool Success { get; init; }
    public string Message { get; init; } = "";
    /// <summary>Why the login failed, typed (HsmPinIncorrect, HsmPinLocked, …, with the daemon's next step); null when it succeeded.</summary>
    public OpsError? Error { get; init; }
}

public sealed record CryptoProviderInfo
{
    public string Name { get; init; } = "";
    public bool Available { get; init; }
    public string Message { get; init; } = "";
    /// <summary>Why the provider is unavailable, typed, with the daemon's next step; null when it is available.</summary>
    public OpsError? Error { get; init; }
    public IReadOnlyList<ProviderAlgorithm> Algorithms { get; init; } = [];
}

public sealed record ProviderAlgorithm
{
    public string Algorithm { get; init; } = "";
    public bool CanGenerate { get; init; }
    public bool CanSign { get; init; }

    public override string ToString() => $"{Algorithm}{(CanGenerate ? " generate" : "")}{(CanSign ? " sign" : "")}";
}
