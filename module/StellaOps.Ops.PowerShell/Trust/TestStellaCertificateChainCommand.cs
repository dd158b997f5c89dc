using System.Management.Automation;
using StellaOps.Ops.Contracts;
using StellaOps.Ops.Contracts.Rpc;
using StellaOps.Ops.PowerShell.Attestor;
using StellaOps.Ops.PowerShell.Keys;

namespace StellaOps.Ops.PowerShell.Trust;

/// <summary>
/// Test-StellaCertificateChain: every link of the certificate chain of a key, or of the key an attestation was
/// signed with, built against the trust store only: subject, issuer, serial, validity, days left and the link's
/// status (expired, not yet valid, wrong key usage, intermediate missing, root not trusted, …). A chain that does
/// not lead to a trust anchor also writes a non-terminating error, so -ErrorAction Stop stops on it.
/// </summary>
[Cmdlet(VerbsDiagnostic.Test, "StellaCertificateChain", DefaultParameterSetName = KeySet)]
[OutputType(typeof(CertificateLink))]
public sealed class TestStellaCertificateChainCommand : TrustCmdlet
{
    private const string KeySet = "Key";
    private const string AttestationSet = "Attestation";
    public const string ExpiryTypeName = "StellaOps.Ops.Contracts.Rpc.CertificateLink#Expiry";

    [Parameter(Mandatory = true, Position = 0, ParameterSetName = KeySet, ValueFromPipelineByPropertyName = true)]
    [ValidateNotNullOrEmpty]
    [ArgumentCompleter(typeof(KeyIdCompleter))]
    public string KeyId { get; set; } = "";

    [Parameter(Mandatory = true, ParameterSetName = AttestationSet)]
    [ValidateNotNullOrEmpty]
    [ArgumentCompleter(typeof(AttestationIdCompleter))]
    public string AttestationId { get; set; } = "";

    /// <summary>Shows each link's validity dates and days left (the expiry view); the objects are the same.</summary>
    [Parameter]
    public SwitchParameter ShowExpiry { get; set; }

    protected override void ProcessRecord()
    {
        var query = ParameterSetName == AttestationSet ? new CertificateChainQuery { AttestationId = AttestationId } : new CertificateChainQuery { KeyId = KeyId };
        var target = query.AttestationId ?? query.KeyId;
        var report = InvokeForItem((c, _, ct) => c.Certificates.TestChainAsync(query, ct), target);
        if (report is null) return;
        foreach (var link in report.Links)
        {
            WriteVerbose($"{link.Role} {link.Subject}: {link.Status} ({link.Reason})");
            if (!ShowExpiry) { WriteObject(link); continue; }
            var pso = PSObject.AsPSObject(link);
            pso.TypeNames.Insert(0, ExpiryTypeName);
            WriteObject(pso);
        }
        if (!report.Valid)
        {
            var failed = report.Links.FirstOrDefault(l => !l.Passed);
            WriteOpsError(new OpsException(OpsErrorCode.CertificateChainInvalid, report.Summary, target, failed?.Fix), target);
        }
    }
}
