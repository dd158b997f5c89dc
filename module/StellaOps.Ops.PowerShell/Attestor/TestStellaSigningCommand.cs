using System.Management.Automation;
using StellaOps.Ops.Contracts;
using StellaOps.Ops.Contracts.Rpc;

namespace StellaOps.Ops.PowerShell.Attestor;

/// <summary>
/// Test-StellaSigning: the daemon signs and verifies a throwaway statement with the key the attestor would use
/// (nothing is stored). Each step is written with Write-Verbose (runbook: stella attest test-sign --verbose); a
/// failure is also an error that names the failed step and what to do.
/// </summary>
[Cmdlet(VerbsDiagnostic.Test, "StellaSigning")]
[OutputType(typeof(SigningTestResult))]
public sealed class TestStellaSigningCommand : StellaCmdlet
{
    protected override void ProcessRecord()
    {
        var result = InvokeForItem((c, _, ct) => c.Attest.TestSigningAsync(ct), null);
        if (result is null) return;
        foreach (var step in result.Steps)
        {
            WriteVerbose($"{step.Name}: {(step.Success ? "ok" : "FAILED")} ({step.Duration.TotalMilliseconds:0.0} ms){(string.IsNullOrEmpty(step.Message) ? "" : " " + step.Message)}");
        }
        WriteObject(result);
        if (!result.Success) WriteError(ErrorMapping.ToErrorRecord(Explain(result), result));
    }

    internal static OpsException Explain(SigningTestResult result)
    {
        var failed = result.Steps.FirstOrDefault(s => !s.Success);
        var step = failed?.Name ?? "(unknown step)";
        var error = result.Error ?? new OpsError { Code = OpsErrorCode.SigningFailed, Message = failed?.Message ?? "the daemon reported a failure without details." };
        var key = result.KeyId is null ? "no signing key" : $"key {result.KeyId}";
        var action = error.RecommendedAction
            ?? "Check the signing key (stella keys list --type signing --status active) and the attestor settings (stella attest config get signing.key_id).";
        return new OpsException(error.Code, $"Test signing failed at step '{step}' ({result.SigningMode} signing, {key}): {error.Message}", step, action);
    }
}
