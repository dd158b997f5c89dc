using System.Diagnostics;
using System.Text;
using Microsoft.Extensions.Logging;
using StellaOps.Ops.Contracts;
using StellaOps.Ops.Contracts.Rpc;
using StellaOps.Ops.Daemon.Ipc;
using StellaOps.Ops.Daemon.Observability;
using StellaOps.Ops.Hsm;

namespace StellaOps.Ops.Daemon.Hsm;

/// <summary>The HSM RPCs (runbook "HSM connection issues": status, test, ping, slots, reconnect, failover, auth).</summary>
public sealed class HsmRpc(HsmService service, AuditLog audit, ILogger<HsmRpc> log) : IHsmRpc
{
    private static readonly byte[] SelfTestMessage = Encoding.ASCII.GetBytes("stella-opsd HSM self-test");

    public Task<HsmStatus> GetStatusAsync(CancellationToken cancellationToken) => Task.FromResult(service.GetStatus());

    public async Task<HsmSlot[]> GetSlotsAsync(CancellationToken cancellationToken)
    {
        var rt = service.Require();
        var slots = new List<HsmSlot>();
        foreach (var c in rt.Members)
        {
            var list = await HsmErrors.Map($"slot list of '{c.Name}'", () => c.GetSlotsAsync(cancellationToken)).ConfigureAwait(false);
            foreach (var s in list)
            {
                bool match = s.TokenInitialized
                    && (string.IsNullOrEmpty(c.Options.TokenSerial) || s.TokenSerial == c.Options.TokenSerial)
                    && (string.IsNullOrEmpty(c.Options.TokenLabel) || s.TokenLabel == c.Options.TokenLabel);
                slots.Add(new HsmSlot
                {
                    Hsm = c.Name,
                    SlotId = s.SlotId,
                    Description = s.Description,
                    TokenPresent = s.TokenPresent,
                    TokenLabel = s.TokenLabel,
                    TokenSerial = s.TokenSerial,
                    TokenModel = s.TokenModel,
                    TokenInitialized = s.TokenInitialized,
                    InUse = match,
                });
            }
        }

        return [.. slots];
    }

    public async Task<HsmTestResult[]> TestAsync(HsmTestOperation operation, CancellationToken cancellationToken)
    {
        var rt = service.Require();
        var results = new List<HsmTestResult>();
        if (operation == HsmTestOperation.Sign)
        {
            // The path real signing takes: through the failover group (fails over when the active member is unreachable).
            results.Add(await SignThroughGroupAsync(rt, cancellationToken).ConfigureAwait(false));
            return [.. results];
        }

        foreach (var c in rt.Members)
        {
            results.Add(operation == HsmTestOperation.Ping
                ? await PingAsync(c, cancellationToken).ConfigureAwait(false)
                : await ConnectivityAsync(c, cancellationToken).ConfigureAwait(false));
        }

        return [.. results];
    }

    private static async Task<HsmTestResult> PingAsync(HsmConnection c, CancellationToken ct)
    {
        var probe = await c.ProbeAsync(ct).ConfigureAwait(false);
        var error = probe.Success ? null : Failure(c.Name, probe.ErrorKind ?? HsmErrorKind.Other, probe.Error ?? "probe failed");
        return new HsmTestResult
        {
            Hsm = c.Name,
            Operation = HsmTestOperation.Ping,
            Success = probe.Success,
            Latency = probe.Latency,
            Message = error?.Message ?? $"Session probe and token operation answered in {probe.Latency.TotalMilliseconds:0.0} ms.",
            Error = error,
        };
    }

    private static async Task<HsmTestResult> ConnectivityAsync(HsmConnection c, CancellationToken ct)
    {
        var sw = Stopwatch.StartNew();
        var steps = new List<string>();
        try
        {
            var slots = await c.GetSlotsAsync(ct).ConfigureAwait(false);
            var info = c.GetInfo();
            steps.Add($"library {info.LibraryPath} loaded ({info.LibraryDescription ?? "?"} {info.LibraryVersion}, Cryptoki {info.CryptokiVersion})");
            var slot = slots.FirstOrDefault(s => s.TokenInitialized
                && (string.IsNullOrEmpty(c.Options.TokenSerial) || s.TokenSerial == c.Options.TokenSerial)
                && (string.IsNullOrEmpty(c.Options.TokenLabel) || s.TokenLabel == c.Options.TokenLabel));
            if (slot is null)
            {
                return Failed(new OpsError
                {
                    Code = OpsErrorCode.HsmUnavailable,
                    Message = $"HSM '{c.Name}': {string.Join("; ", steps)}; token {c.Options.TokenLabel ?? c.Options.TokenSerial} NOT found in {slots.Count} slot(s).",
                    Target = c.Name,
                    RecommendedAction = "Check the token label/serial (Hsm:*:TokenLabel) and 'stella crypto hsm slots list'.",
                });
            }

            steps.Add($"token '{slot.TokenLabel}' (serial {slot.TokenSerial}) in slot {slot.SlotId}");
            var login = await c.TestLoginAsync(ct).ConfigureAwait(false);
            if (!login.Success)
            {
                return Failed(Failure(c.Name, login.ErrorKind ?? HsmErrorKind.Other, $"{string.Join("; ", steps)}; login FAILED: {login.Error}"));
            }

            steps.Add(login.WasAlreadyLoggedIn ? "logged in" : "login succeeded");
            return new HsmTestResult { Hsm = c.Name, Operation = HsmTestOperation.Connectivity, Success = true, Latency = sw.Elapsed, Message = string.Join("; ", steps) + "." };
        }
        catch (HsmException e)
        {
            return Failed(Failure(c.Name, e.Kind, (steps.Count > 0 ? string.Join("; ", steps) + "; " : "") + e.Message));
        }

        HsmTestResult Failed(OpsError error) => new()
        {
            Hsm = c.Name,
            Operation = HsmTestOperation.Connectivity,
            Success = false,
            Latency = sw.Elapsed,
            Message = error.Message,
            Error = error,
        };
    }

    /// <summary>
    /// Signs with the self-test key, which the daemon provisions when it connects (<see cref="HsmSelfTestKey"/>). A test
    /// is a read: a token without the key is reported with how an operator provisions it, never changed.
    /// </summary>
    private static async Task<HsmTestResult> SignThroughGroupAsync(HsmRuntime rt, CancellationToken ct)
    {
        var sw = Stopwatch.StartNew();
        byte[] id = HsmSelfTestKey.Id(rt.Config);
        HsmConnection? served = null;
        Task<byte[]> Sign() => rt.Group.ExecuteAsync(c =>
        {
            served = c;
            return c.SignAsync(id, HsmSelfTestKey.Algorithm, SelfTestMessage, ct);
        });
        try
        {
            byte[] sig;
            try
            {
                sig = await Sign().ConfigureAwait(false);
            }
            catch (HsmException e) when (e.Kind == HsmErrorKind.KeyNotFound && served is { } member && rt.SelfTestKeyProvisioning(member) is { IsCompleted: false } pending)
            {
                // Just connected, the daemon is still provisioning the key there: wait for that (briefly), then once more.
                try { await pending.WaitAsync(rt.CallTimeout, ct).ConfigureAwait(false); }
                catch (TimeoutException) { }
                sig = await Sign().ConfigureAwait(false);
            }

            var state = rt.Group.State;
            return new HsmTestResult
            {
                Hsm = served?.Name ?? rt.Group.ActiveConnection.Name,
                Operation = HsmTestOperation.Sign,
                Success = true,
                Latency = sw.Elapsed,
                Message = $"Test signature (ecdsa-p256, {sig.Length} bytes) made on '{served?.Name}' with key {Convert.ToHexString(id)}; group state {state}, active {rt.Group.Active}.",
            };
        }
        catch (HsmException e)
        {
            var on = served ?? rt.Group.ActiveConnection;
            var error = e.Kind == HsmErrorKind.KeyNotFound ? HsmSelfTestKey.Missing(on, id) : Failure(on.Name, e.Kind, e.Message);
            return new HsmTestResult
            {
                Hsm = on.Name,
                Operation = HsmTestOperation.Sign,
                Success = false,
                Latency = sw.Elapsed,
                Message = error.Message,
                Error = error,
            };
        }
    }

    /// <summary>
    /// A failed HSM check as a typed error: the code and next step of its error class (<see cref="HsmErrors"/>), and
    /// the member it is about. The client shows it as it is; it never reads a code or an action back out of text.
    /// </summary>
    internal static OpsError Failure(string hsm, HsmErrorKind kind, string message) => new()
    {
        Code = HsmErrors.Code(kind),
        Message = message.Contains($"'{hsm}'", StringComparison.Ordinal) ? message : $"HSM '{hsm}': {message}",
        Target = hsm,
        RecommendedAction = HsmErrors.Action(kind),
    };

    public async Task<HsmStatus> ResetAsync(bool reloadLibrary, CancellationToken cancellationToken)
    {
        log.LogWarning("HSM reset{Reload} requested by {Caller}.", reloadLibrary ? " with module reload" : "", CallerContext.Current?.UserName ?? "the daemon");
        await service.ResetAsync(reloadLibrary, cancellationToken).ConfigureAwait(false);
        return service.GetStatus();
    }

    public async Task<HsmStatus> SwitchAsync(HsmMemberRole to, CancellationToken cancellationToken)
    {
        log.LogWarning("HSM switch to {Member} requested by {Caller}.", to, CallerContext.Current?.UserName ?? "the daemon");
        await service.SwitchAsync(to, cancellationToken).ConfigureAwait(false);
        return service.GetStatus();
    }

    public async Task<HsmLoginResult[]> TestLoginAsync(CancellationToken cancellationToken)
    {
        var rt = service.Require();
        var results = new List<HsmLoginResult>();
        foreach (var c in rt.Members)
        {
            var r = await c.TestLoginAsync(cancellationToken).ConfigureAwait(false);
            var error = r.Success ? null : Failure(c.Name, r.ErrorKind ?? HsmErrorKind.Other, r.Error ?? "login test failed");
            results.Add(new HsmLoginResult
            {
                Hsm = c.Name,
                Success = r.Success,
                Message = error?.Message
                    ?? (r.WasAlreadyLoggedIn ? "Logged in with the configured PIN source; private objects are readable." : "Login with the configured PIN source succeeded."),
                Error = error,
            });
        }

        return [.. results];
    }

    public async Task<HsmLoginResult> SetPinAsync(string slot, string currentPin, string newPin, CancellationToken cancellationToken)
    {
        var rt = service.Require();
        if (string.IsNullOrEmpty(newPin) || newPin.Length < 4)
        {
            throw OpsException.InvalidArgument("The new PIN must have at least 4 characters.", slot);
        }

        var c = FindMember(rt, slot) ?? throw OpsException.NotFound(
            $"No configured HSM matches '{slot}'. Name 'primary' or 'backup', a slot id, a token label or a token serial ('stella crypto hsm slots list').", slot);
        var member = c == rt.Group.Primary ? rt.Config.Primary : rt.Config.Backup;
        if (string.IsNullOrWhiteSpace(member.PinFile))
        {
            throw new OpsException(OpsErrorCode.InvalidArgument,
                $"The PIN of '{c.Name}' comes from the environment variable '{member.PinEnvironmentVariable}', which the daemon cannot update.",
                c.Name, $"Change the PIN with the HSM vendor's tool, update {member.PinEnvironmentVariable} in the daemon's service environment, restart the daemon; or configure a PIN file (Hsm:*:PinFile, chmod 600).");
        }

        // The token and the PIN file cannot join a transaction: the audit's "started" is committed before either
        // changes, the outcome after; a stop between is settled at start (HsmPinChangeIntent.SettleInterrupted).
        var changed = (Changed: false, What: $"the token of '{c.Name}' and {member.PinFile} keep the current PIN");
        var intent = audit.StartIntent(HsmPinChangeIntent.Subject, "hsm.pin",
            $"about to change the user PIN of '{c.Name}' on the token and in {member.PinFile} (the new PIN staged in {HsmPinFileChange.StagedPathOf(member.PinFile)} first)",
            new HsmPinChangeIntent(c.Name, member.PinFile).ToJson(), () => changed);
        byte[] oldBytes = Encoding.UTF8.GetBytes(currentPin), newBytes = Encoding.UTF8.GetBytes(newPin);
        try
        {
            // The error of a failed change says where each PIN is (set back, out of step, timed out); the outcome carries its id and words.
            await intent.RunAsync(async () =>
            {
                // File first, token second, rename last: a failure at any step leaves both with the same PIN, or says which has which.
                var staged = StagePinFile(member.PinFile, c.Name, newBytes);
                try
                {
                    await HsmErrors.Map($"PIN change on '{c.Name}'", async () =>
                    {
                        await c.ChangePinAsync(oldBytes, newBytes, cancellationToken).ConfigureAwait(false);
                        return true;
                    }).ConfigureAwait(false);
                    changed = (true, $"the token of '{c.Name}' has the new PIN; {staged.StagedPath} holds it, not yet {staged.Path}");
                }
                catch (OpsException e) when (e.Code == OpsErrorCode.HsmTimeout)
                {
                    // The call may still complete inside the module: keep the new PIN where the operator can find it.
                    throw new OpsException(OpsErrorCode.HsmPinOutOfStep,
                        $"The PIN change on '{c.Name}' timed out: the token may have the new PIN or still the current one. The PIN file '{staged.Path}' has the current PIN, '{staged.StagedPath}' the new one.",
                        staged.Path,
                        $"Find out which PIN the token has (log in with each, e.g. pkcs11-tool --login --test). If it has the new one: as the daemon's user mv '{staged.StagedPath}' '{staged.Path}', then 'stella crypto hsm reconnect'; if not: rm '{staged.StagedPath}'.");
                }
                catch
                {
                    staged.Discard();
                    throw;
                }

                try
                {
                    if (!staged.Commit())
                        log.LogWarning("HSM {Member}: the PIN file {PinFile} was replaced but its directory could not be synced; run 'sync' before a power cut.", c.Name, staged.Path);
                    changed = (true, $"the token of '{c.Name}' and {staged.Path} have the new PIN");
                }
                catch (Exception e) when (e is IOException or UnauthorizedAccessException)
                {
                    throw await PinFileNotReplacedAsync(c, staged, newBytes, oldBytes, e).ConfigureAwait(false);
                }
            }).ConfigureAwait(false);
        }
        finally
        {
            Array.Clear(oldBytes);
            Array.Clear(newBytes);
        }

        c.ResetPinFailure();
        log.LogWarning("HSM {Member}: user PIN changed by {Caller}; the PIN file {PinFile} was updated.", c.Name, CallerContext.Current?.UserName ?? "the daemon", member.PinFile);
        return new HsmLoginResult { Hsm = c.Name, Success = true, Message = $"The user PIN of '{c.Name}' was changed on the token and in {member.PinFile}." };
    }

    private static HsmPinFileChange StagePinFile(string pinFile, string member, byte[] pin)
    {
        try
        {
            return HsmPinFileChange.Stage(pinFile, pin);
        }
        catch (HsmPinFileException e)
        {
            throw new OpsException(e.Problem switch
            {
                HsmPinFileProblem.UntrustedDirectory => OpsErrorCode.PermissionDenied,
                HsmPinFileProblem.StagingFileExists => OpsErrorCode.Conflict,
                _ => OpsErrorCode.HsmPinFileNotWritten,
            }, $"PIN change on '{member}' refused: {e.Message}", e.Path, e.Fix);
        }
    }

    /// <summary>
    /// The token took the new PIN but the PIN file could not be replaced: set the token back so both keep the current
    /// PIN; if even that fails, say exactly which side has which PIN and how to bring them in step.
    /// </summary>
    private async Task<OpsException> PinFileNotReplacedAsync(HsmConnection c, HsmPinFileChange staged, byte[] newPin, byte[] currentPin, Exception failure)
    {
        string reason = $"{failure.GetType().Name}: {failure.Message}";
        try
        {
            await c.ChangePinAsync(newPin, currentPin, CancellationToken.None).ConfigureAwait(false);
        }
        catch (HsmException back)
        {
            log.LogError("HSM {Member}: PIN OUT OF STEP. The token has the new PIN; the PIN file {PinFile} still has the old one (replacing it failed: {Reason}; setting the token back failed: {Kind}). The new PIN is in {Staged}.",
                c.Name, staged.Path, reason, back.Kind, staged.StagedPath);
            return new OpsException(OpsErrorCode.HsmPinOutOfStep,
                $"The PIN of '{c.Name}' is out of step: the TOKEN HAS THE NEW PIN, but the PIN file '{staged.Path}' still holds the old one (replacing it failed: {reason}; setting the token back to the old PIN failed: {back.Kind}). The new PIN is in '{staged.StagedPath}'.",
                staged.Path,
                $"As the daemon's user: mv '{staged.StagedPath}' '{staged.Path}' (it is mode 0600), then 'stella crypto hsm reconnect'. The daemon keeps its current login until then; a restart or module reload before it fails with CKR_PIN_INCORRECT.");
        }

        staged.Discard();
        log.LogWarning("HSM {Member}: PIN change undone: the PIN file {PinFile} could not be replaced ({Reason}); the token's PIN was set back.", c.Name, staged.Path, reason);
        return new OpsException(OpsErrorCode.HsmPinFileNotWritten,
            $"The PIN of '{c.Name}' was not changed: the PIN file '{staged.Path}' could not be replaced ({reason}), so the token's PIN was set back. The token and the file both still have the current PIN.",
            staged.Path, $"Fix what keeps '{staged.Path}' from being replaced (lsattr, mount options, permissions of its directory), then change the PIN again.");
    }

    private static HsmConnection? FindMember(HsmRuntime rt, string slot)
    {
        slot = (slot ?? "").Trim();
        foreach (var c in rt.Members)
        {
            var i = c.GetInfo();
            if (string.Equals(slot, c.Name, StringComparison.OrdinalIgnoreCase) || slot.Length == 0 && c == rt.Group.Primary
                || slot == i.TokenLabel || slot == i.TokenSerial || slot == c.Options.TokenLabel || slot == c.Options.TokenSerial
                || (ulong.TryParse(slot, out var id) && i.SlotId == id))
            {
                return c;
            }
        }

        return null;
    }

    public async Task<CryptoProviderInfo[]> GetProvidersAsync(CancellationToken cancellationToken)
    {
        var providers = new List<CryptoProviderInfo>();
        var rt = service.Runtime;
        if (rt is null)
        {
            var error = OpsError.From(HsmErrors.NotConfigured());
            providers.Add(new CryptoProviderInfo { Name = "Hsm", Available = false, Message = error.Message, Error = error });
        }
        else
        {
            var c = rt.Group.ActiveConnection;
            try
            {
                var mechs = await c.GetMechanismsAsync(cancellationToken).ConfigureAwait(false);
                var i = c.GetInfo();
                providers.Add(new CryptoProviderInfo
                {
                    Name = "Hsm",
                    Available = true,
                    Message = $"PKCS#11 token '{i.TokenLabel}' ({i.TokenModel}, serial {i.TokenSerial}) on '{c.Name}' via {i.LibraryPath}; group {rt.Group.State}.",
                    Algorithms = [.. mechs.Select(m => new ProviderAlgorithm { Algorithm = m.Algorithm.ToName(), CanGenerate = m.CanGenerate, CanSign = m.CanSign })],
                });
            }
            catch (HsmException e)
            {
                var error = Failure(c.Name, e.Kind, e.Message);
                providers.Add(new CryptoProviderInfo { Name = "Hsm", Available = false, Message = error.Message, Error = error });
            }
        }

        providers.Add(new CryptoProviderInfo
        {
            Name = "Software",
            Available = true,
            Message = "In-process .NET cryptography with keys encrypted on the daemon's disk (attest.signing.mode software); may not meet compliance requirements.",
            Algorithms = [.. KeyAlgorithmNames.All.Select(a => new ProviderAlgorithm { Algorithm = a, CanGenerate = true, CanSign = true })],
        });
        return [.. providers];
    }
}
