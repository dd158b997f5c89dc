using StellaOps.Ops.Contracts;

namespace StellaOps.Ops.Hsm;

/// <summary>State of one HSM connection.</summary>
public enum HsmConnectionState
{
    /// <summary>Working, no recent errors.</summary>
    Connected,
    /// <summary>Working, but errors happened recently or the session pool was exhausted.</summary>
    Degraded,
    /// <summary>Not usable; see the reason. Reconnects in the background.</summary>
    Down,
}

/// <summary>State of a failover group.</summary>
public enum HsmGroupState
{
    Connected,
    Degraded,
    Down,
    /// <summary>The backup serves operations because the primary failed.</summary>
    FailedOver,
}

public enum HsmMember
{
    Primary,
    Backup,
}

/// <summary>One state transition; <paramref name="Reason"/> never holds a PIN.</summary>
public sealed record HsmStateTransition<TState>(DateTimeOffset Timestamp, TState From, TState To, string Reason) where TState : struct, Enum;

public sealed class HsmStateChangedEventArgs(string hsmName, HsmStateTransition<HsmConnectionState> transition) : EventArgs
{
    public string HsmName { get; } = hsmName;
    public HsmStateTransition<HsmConnectionState> Transition { get; } = transition;
}

public sealed class HsmGroupStateChangedEventArgs(string groupName, HsmStateTransition<HsmGroupState> transition, HsmMember active) : EventArgs
{
    public string GroupName { get; } = groupName;
    public HsmStateTransition<HsmGroupState> Transition { get; } = transition;
    public HsmMember Active { get; } = active;
}

/// <summary>Result of a keep-alive probe (session info plus a real token operation).</summary>
public sealed record HsmProbeResult(string HsmName, bool Success, TimeSpan Latency, DateTimeOffset Timestamp, HsmErrorKind? ErrorKind = null, string? Error = null);

/// <summary>Session counts: the persistent logged-in session plus the operation pool.</summary>
public sealed record HsmSessionCounts(bool PersistentOpen, int PoolInUse, int PoolIdle, int PoolSize);

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

/// <summary>A slot of the module.</summary>
public sealed record HsmSlotInfo(ulong SlotId, string Description, bool TokenPresent, string? TokenLabel, string? TokenSerial, string? TokenModel, bool TokenInitialized)
{
    /// <summary>A slot whose token is not initialised (SoftHSM always offers one) is free.</summary>
    public bool Free => TokenPresent && !TokenInitialized;
}

/// <summary>Which product algorithms the token can generate and sign with, and the mechanisms behind it.</summary>
public sealed record HsmMechanismSupport(KeyAlgorithm Algorithm, bool CanGenerate, bool CanSign, string GenerateMechanism, string SignMechanism);

/// <summary>A key pair on the token (by its private key object), or a public key whose private key is missing.</summary>
public sealed record HsmKeyInfo(byte[] Id, string Label, KeyAlgorithm? Algorithm, bool HasPublicKeyObject)
{
    public string IdHex => Convert.ToHexString(Id);

    /// <summary>False for a public key object alone (a pair whose creation was interrupted, or an imported public key).</summary>
    public bool HasPrivateKeyObject { get; init; } = true;
}

/// <summary>Result of <see cref="HsmConnection.TestLoginAsync"/>.</summary>
public sealed record HsmLoginTestResult(bool Success, bool WasAlreadyLoggedIn, TimeSpan Latency, HsmErrorKind? ErrorKind, string? Error);
