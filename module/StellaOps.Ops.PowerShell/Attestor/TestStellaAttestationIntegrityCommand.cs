using System.Management.Automation;
using StellaOps.Ops.Contracts;
using StellaOps.Ops.Contracts.Rpc;

namespace StellaOps.Ops.PowerShell.Attestor;

/// <summary>
/// Test-StellaAttestationIntegrity: checks that each stored envelope still matches its statement and that its
/// signature verifies (runbook: stella attest integrity-check &lt;id&gt;). A tampered attestation is a result with
/// Intact = false and the failed checks, not an error; an unknown id is an error.
/// </summary>
[Cmdlet(VerbsDiagnostic.Test, "StellaAttestationIntegrity")]
[OutputType(typeof(IntegrityResult))]
public sealed class TestStellaAttestationIntegrityCommand : StellaCmdlet
{
    [Parameter(Mandatory = true, Position = 0, ValueFromPipeline = true, ValueFromPipelineByPropertyName = true)]
    [Alias("AttestationId")]
    [ValidateNotNullOrEmpty]
    [ArgumentCompleter(typeof(AttestationIdCompleter))]
    public string[] Id { get; set; } = [];

    protected override void ProcessRecord()
    {
        // The daemon takes at most Protocol.MaxBatchItems ids per call: a longer -Id list goes in chunks, answered in order.
        foreach (var ids in Id.Chunk(Protocol.MaxBatchItems)) Check(ids);
    }

    private void Check(string[] ids)
    {
        IntegrityResult[] results;
        try
        {
            results = Invoke((c, _, ct) => c.Attest.CheckIntegrityAsync(ids, ct));
        }
        catch (OpsException ex) when (ids.Length > 1 && ex.Code is OpsErrorCode.AttestationNotFound or OpsErrorCode.NotFound or OpsErrorCode.InvalidArgument)
        {
            // One bad id fails the whole call: check them one by one so each good id still gets its result.
            results = [.. ids.Select(id => InvokeForItem((c, _, ct) => c.Attest.CheckIntegrityAsync([id], ct), id)).Where(r => r is not null).SelectMany(r => r!)];
        }
        catch (OpsException ex) when (ex.Code is not (OpsErrorCode.Unavailable or OpsErrorCode.ProtocolMismatch or OpsErrorCode.Unauthorized))
        {
            WriteOpsError(ex, ids.Length == 1 ? ids[0] : ids);
            return;
        }
        catch (OpsException ex)
        {
            ThrowOpsError(ex);
            return;
        }
        foreach (var r in results)
        {
            foreach (var check in r.Checks) WriteVerbose($"{r.Id} {check.Name}: {(check.Passed ? "passed" : "FAILED")} {check.Message}");
            WriteObject(r);
        }
    }
}
