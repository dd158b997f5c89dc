using Microsoft.Extensions.Logging;

namespace StellaOps.Ops.Hsm;

/// <summary>Configuration of one HSM (one token of one PKCS#11 module).</summary>
public sealed record HsmConnectionOptions
{
    /// <summary>Name used in messages, logs and state (e.g. "primary").</summary>
    public required string Name { get; init; }

    /// <summary>Path of the PKCS#11 module (e.g. /usr/lib/softhsm/libsofthsm2.so or p11-kit-client.so).</summary>
    public required string LibraryPath { get; init; }

    /// <summary>Token label to use. Tokens are found by label or serial on every connect, never by a cached slot id.</summary>
    public string? TokenLabel { get; init; }

    /// <summary>Token serial to use (takes precedence over the label when both are set and both must match).</summary>
    public string? TokenSerial { get; init; }

    /// <summary>Supplies the user PIN at each login.</summary>
    public required HsmPinProvider PinProvider { get; init; }

    /// <summary>Deadline of every PKCS#11 call (and of each whole operation). Default 5 s.</summary>
    public TimeSpan CallTimeout { get; init; } = TimeSpan.FromSeconds(5);

    /// <summary>Deadline of key-pair generation (RSA-3072 can take seconds). Default 60 s.</summary>
    public TimeSpan KeyGenerationTimeout { get; init; } = TimeSpan.FromSeconds(60);

    /// <summary>Maximum operation sessions (besides the persistent one). Default 4.</summary>
    public int PoolSize { get; init; } = 4;

    /// <summary>Variables set in the native environment before the module loads (e.g. P11_KIT_SERVER_ADDRESS, SOFTHSM2_CONF).</summary>
    public IReadOnlyDictionary<string, string>? NativeEnvironment { get; init; }

    /// <summary>Reconnect in the background with exponential backoff when Down. Default true.</summary>
    public bool AutoReconnect { get; init; } = true;

    public TimeSpan ReconnectInitialDelay { get; init; } = TimeSpan.FromSeconds(1);
    public TimeSpan ReconnectMaxDelay { get; init; } = TimeSpan.FromSeconds(30);

    /// <summary>Retries of transient errors (CKR_FUNCTION_FAILED), with backoff starting at <see cref="TransientRetryDelay"/>.</summary>
    public int TransientRetries { get; init; } = 3;
    public TimeSpan TransientRetryDelay { get; init; } = TimeSpan.FromMilliseconds(50);

    /// <summary>How long after an error the state stays Degraded. Default 30 s.</summary>
    public TimeSpan DegradedWindow { get; init; } = TimeSpan.FromSeconds(30);

    /// <summary>State transitions kept in <see cref="HsmConnection.History"/>. Default 100.</summary>
    public int HistoryCapacity { get; init; } = 100;

    public ILogger? Logger { get; init; }

    /// <summary>Timers and backoff (not call deadlines, which always use real time).</summary>
    public TimeProvider TimeProvider { get; init; } = TimeProvider.System;

    /// <summary>No PIN material here: the provider is a delegate.</summary>
    public override string ToString() =>
        $"HsmConnectionOptions(Name={Name}, LibraryPath={LibraryPath}, TokenLabel={TokenLabel}, TokenSerial={TokenSerial}, CallTimeout={CallTimeout}, PoolSize={PoolSize})";
}
