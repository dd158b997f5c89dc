using System.Management.Automation;
using StellaOps.Ops.Contracts.Rpc;
using StellaOps.Ops.PowerShell.Keys;

namespace StellaOps.Ops.PowerShell.Trust;

/// <summary>
/// New-StellaCertificateRequest: a PKCS#10 certificate signing request for a signing key, signed by the key itself
/// (in the HSM for HSM keys), written as PEM text so that <c>&gt; key.csr</c> saves what a CA takes.
/// </summary>
[Cmdlet(VerbsCommon.New, "StellaCertificateRequest", SupportsShouldProcess = true, ConfirmImpact = ConfirmImpact.Low)]
[OutputType(typeof(string))]
public sealed class NewStellaCertificateRequestCommand : TrustCmdlet
{
    [Parameter(Mandatory = true, Position = 0, ValueFromPipelineByPropertyName = true)]
    [Alias("Id")]
    [ValidateNotNullOrEmpty]
    [ArgumentCompleter(typeof(KeyIdCompleter))]
    public string KeyId { get; set; } = "";

    /// <summary>The distinguished name to request, like 'CN=release signing, O=Example'.</summary>
    [Parameter(Mandatory = true, Position = 1)]
    [ValidateNotNullOrEmpty]
    public string Subject { get; set; } = "";

    protected override void ProcessRecord()
    {
        if (!ShouldProcess(KeyId, $"Sign a certificate request for '{Subject}' with the key")) return;
        var request = InvokeForItem((c, _, ct) => c.Certificates.CreateRequestAsync(KeyId, Subject, ct), KeyId);
        if (request is not null) WriteObject(request.Pem);
    }
}
