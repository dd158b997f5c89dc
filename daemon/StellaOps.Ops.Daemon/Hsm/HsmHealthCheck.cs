using System.Diagnostics;
using System.Globalization;
using StellaOps.Ops.Contracts;
using StellaOps.Ops.Contracts.Rpc;
using StellaOps.Ops.Daemon.Doctor;
using StellaOps.Ops.Hsm;

namespace StellaOps.Ops.Daemon.Hsm;

/// <summary>Doctor check check.crypto.hsm-availability: probes the active HSM now and judges the group.</summary>
public sealed class HsmHealthCheck(HsmService service) : IHealthCheck
{
    public const string CheckId = "check.crypto.hsm-availability";

    public string Id => CheckId;
    public string Description => "The HSM (PKCS#11 token) is reachable, logged in and answers a real token operation; failover state.";

    private static readonly string DownRemediation = string.Join("\n",
        $"1. Reconnect: '{HsmErrors.Reconnect}' (Reset-StellaHsm).",
        "2. Check the HSM path: 'stella crypto hsm connectivity --verbose', the HSM or its p11-kit server, and the module: 'stella crypto hsm config get pkcs11.library_path'.",
        $"3. If a backup HSM is configured: '{HsmErrors.Failover}'.",
        $"4. If permitted: '{HsmErrors.SoftwareMode}' then 'stella attest reload' (software signing may not meet compliance requirements).",
        "5. Session timeouts: 'stella crypto hsm config set session.timeout 300s' and 'stella crypto hsm config set session.keepalive true'.");

    public async Task<DoctorResult> RunAsync(CancellationToken cancellationToken)
    {
        var sw = Stopwatch.StartNew();
        var rt = service.Runtime;
        var evidence = new Dictionary<string, string>(StringComparer.Ordinal);
        if (rt is null)
        {
            evidence["state"] = service.OverallState().ToString();
            if (service.ConfigurationError is { } err)
            {
                evidence["configurationError"] = err;
                return new DoctorResult { Check = Id, Status = DoctorStatus.Fail, Message = "The HSM configuration was refused: " + err, Remediation = HsmErrors.ConfigureAction, Evidence = evidence, Duration = sw.Elapsed };
            }

            return new DoctorResult { Check = Id, Status = DoctorStatus.Warn, Message = "No HSM is configured: HSM keys cannot be made or used.", Remediation = HsmErrors.ConfigureAction, Evidence = evidence, Duration = sw.Elapsed };
        }

        var group = rt.Group;
        var active = group.ActiveConnection;
        var probe = await active.ProbeAsync(cancellationToken).ConfigureAwait(false);
        var state = service.OverallState();
        var info = active.GetInfo();
        evidence["state"] = state.ToString();
        evidence["active"] = active.Name;
        evidence["library"] = info.LibraryPath;
        evidence["token"] = info.TokenLabel ?? active.Options.TokenLabel ?? active.Options.TokenSerial ?? "";
        evidence["probe"] = probe.Success ? "ok" : $"failed ({probe.ErrorKind})";
        evidence["lastProbeLatencyMs"] = probe.Latency.TotalMilliseconds.ToString("0.0", CultureInfo.InvariantCulture);
        evidence["sessionTimeout"] = ((Duration)rt.CallTimeout).ToString();
        evidence["keepAlive"] = group.KeepAliveEnabled ? $"on, every {(Duration)group.KeepAliveInterval}" : "off";
        foreach (var c in rt.Members)
        {
            var i = c.GetInfo();
            evidence[$"{c.Name}.state"] = i.State.ToString();
            evidence[$"{c.Name}.loginAttempts"] = i.LoginAttempts.ToString(CultureInfo.InvariantCulture);
            evidence[$"{c.Name}.pinFailureLatched"] = i.PinFailureLatched ? "true" : "false";
            if (i.TokenFlags is { } flags) evidence[$"{c.Name}.tokenFlags"] = "0x" + flags.ToString("x", CultureInfo.InvariantCulture);
            if (i.LastError is { } le) evidence[$"{c.Name}.lastError"] = le;
        }

        DoctorStatus status;
        string message;
        string? remediation = null;
        if (state == HsmOverallState.Down || !probe.Success && state != HsmOverallState.FailedOver && state != HsmOverallState.Degraded)
        {
            status = DoctorStatus.Fail;
            message = $"The HSM is not reachable (state {state}; {active.Name}: {info.StateReason ?? probe.Error}). No HSM signatures can be made.";
            var pin = rt.Members.Select(c => c.GetInfo()).FirstOrDefault(i => i.PinFailureLatched);
            remediation = pin is not null
                ? $"The token rejected the PIN of '{pin.Name}'; it is not retried. {HsmErrors.Action(HsmErrorKind.PinIncorrect)}"
                : DownRemediation;
        }
        else if (state == HsmOverallState.FailedOver)
        {
            status = DoctorStatus.Warn;
            message = $"Failed over: the backup '{active.Name}' signs (probe {probe.Latency.TotalMilliseconds:0.0} ms); the primary is {group.Primary.State} ({group.Primary.StateReason}).";
            remediation = $"Repair the primary HSM, then '{HsmErrors.Reconnect}'; the daemon fails back by itself after good keep-alive probes (unless switched manually: 'stella crypto hsm failover --to primary').";
        }
        else if (state == HsmOverallState.Degraded || !probe.Success)
        {
            status = DoctorStatus.Warn;
            message = $"The HSM works but is degraded (state {state}; last error: {info.LastError ?? group.Backup?.StateReason ?? probe.Error}).";
            remediation = group.Backup is { State: HsmConnectionState.Down } b
                ? $"The backup HSM '{b.Name}' is down ({b.StateReason}): no failover is possible until it is repaired. Then '{HsmErrors.Reconnect}'."
                : $"Watch 'stella crypto hsm logs --last 30m'; if errors continue, '{HsmErrors.Reconnect}'.";
        }
        else
        {
            status = DoctorStatus.Pass;
            message = $"HSM '{active.Name}' (token '{evidence["token"]}') is connected; a real token operation answered in {probe.Latency.TotalMilliseconds:0.0} ms.";
        }

        return new DoctorResult { Check = Id, Status = status, Message = message, Remediation = remediation, Evidence = evidence, Duration = sw.Elapsed };
    }
}
