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
