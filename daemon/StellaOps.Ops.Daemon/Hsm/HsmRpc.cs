using System.Diagnostics;
using System.Text;
using Microsoft.Extensions.Logging;
using StellaOps.Ops.Contracts;
using StellaOps.Ops.Contracts.Rpc;
using StellaOps.Ops.Daemon.Ipc;
using StellaOps.Ops.Hsm;

namespace StellaOps.Ops.Daemon.Hsm;

/// <summary>The HSM RPCs (runbook "HSM connection issues": status, test, ping, slots, reconnect, failover, auth).</summary>
public sealed class HsmRpc(HsmService service, ILogger<HsmRpc> log) : IHsmRpc
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
        return new HsmTestResult
        {
            Hsm = c.Name,
            Operation = HsmTestOperation.Ping,
            Success = probe.Success,
            Latency = probe.Latency,
            Message = probe.Success
                ? $"Session probe and token operation answered in {probe.Latency.TotalMilliseconds:0.0} ms."
                : Failure(probe.ErrorKind ?? HsmErrorKind.Other, probe.Error ?? "probe failed"),
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
                return Result(false, $"{string.Join("; ", steps)}; token {c.Options.TokenLabel ?? c.Options.TokenSerial} NOT found in {slots.Count} slot(s). " +
                    $"[{OpsErrorCode.HsmUnavailable}] Check the token label/serial (Hsm:*:TokenLabel) and 'stella crypto hsm slots list'.");
            }

            steps.Add($"token '{slot.TokenLabel}' (serial {slot.TokenSerial}) in slot {slot.SlotId}");
            var login = await c.TestLoginAsync(ct).ConfigureAwait(false);
            if (!login.Success)
            {
                return Result(false, $"{string.Join("; ", steps)}; login FAILED: {Failure(login.ErrorKind ?? HsmErrorKind.Other, login.Error ?? "")}");
            }

            steps.Add(login.WasAlreadyLoggedIn ? "logged in" : "login succeeded");
            return Result(true, string.Join("; ", steps) + ".");
        }
        catch (HsmException e)
        {
            return Result(false, (steps.Count > 0 ? string.Join("; ", steps) + "; " : "") + Failure(e.Kind, e.Message));
        }

        HsmTestResult Result(bool ok, string message) => new()
        {
            Hsm = c.Name,
            Operation = HsmTestOperation.Connectivity,
            Success = ok,
            Latency = sw.Elapsed,
            Message = message,
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
            return new HsmTestResult
            {
                Hsm = on.Name,
                Operation = HsmTestOperation.Sign,
                Success = false,
                Latency = sw.Elapsed,
                Message = e.Kind == HsmErrorKind.KeyNotFound ? $"[{HsmErrors.Code(e.Kind)}] {HsmSelfTestKey.Missing(on, id)}" : Failure(e.Kind, e.Message),
            };
        }
    }

    /// <summary>"[HsmPinIncorrect] message Next step: …" — the code is machine-readable, the rest is for the operator.</summary>
    internal static string Failure(HsmErrorKind kind, string message) =>
        $"[{HsmErrors.Code(kind)}] {message} Next step: {HsmErrors.Action(kind)}";

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
            results.Add(new HsmLoginResult
            {
                Hsm = c.Name,
                Success = r.Success,
                Message = r.Success
                    ? (r.WasAlreadyLoggedIn ? "Logged in with the configured PIN source; private objects are readable." : "Login with the configured PIN source succeeded.")
                    : Failure(r.ErrorKind ?? HsmErrorKind.Other, r.Error ?? "login test failed"),
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

        byte[] oldBytes = Encoding.UTF8.GetBytes(currentPin), newBytes = Encoding.UTF8.GetBytes(newPin);
        try
        {
            await HsmErrors.Map($"PIN change on '{c.Name}'", async () =>
            {
                await c.ChangePinAsync(oldBytes, newBytes, cancellationToken).ConfigureAwait(false);
                return true;
            }).ConfigureAwait(false);
            WritePinFile(member.PinFile, newBytes);
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

    private static void WritePinFile(string path, byte[] pin)
    {
        string tmp = path + ".new";
        var options = new FileStreamOptions { Mode = FileMode.Create, Access = FileAccess.Write };
        if (!OperatingSystem.IsWindows()) options.UnixCreateMode = UnixFileMode.UserRead | UnixFileMode.UserWrite;
        using (var f = new FileStream(tmp, options))
        {
            f.Write(pin);
            f.Flush(true);
        }

        if (!OperatingSystem.IsWindows()) File.SetUnixFileMode(tmp, UnixFileMode.UserRead | UnixFileMode.UserWrite);
        File.Move(tmp, path, overwrite: true);
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
            providers.Add(new CryptoProviderInfo { Name = "Hsm", Available = false, Message = "No HSM is configured. " + HsmErrors.ConfigureAction });
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
                providers.Add(new CryptoProviderInfo { Name = "Hsm", Available = false, Message = Failure(e.Kind, e.Message) });
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
