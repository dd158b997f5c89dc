using System.Management.Automation;
using StellaOps.Ops.Contracts.Rpc;

namespace StellaOps.Ops.PowerShell.Trust;

/// <summary>
/// Add-StellaTrustAnchor: trusts a root CA (-Certificate), an intermediate (-Intermediate) or a public key
/// (-PublicKey, optionally only for signatures made from -NotBefore until -Expires). Adding what is there already
/// changes nothing; the daemon's warnings (an intermediate that chains to no anchor yet) are written as warnings.
/// </summary>
[Cmdlet(VerbsCommon.Add, "StellaTrustAnchor", SupportsShouldProcess = true, ConfirmImpact = ConfirmImpact.Medium, DefaultParameterSetName = CertificateSet)]
[OutputType(typeof(TrustAnchorInfo))]
public sealed class AddStellaTrustAnchorCommand : TrustCmdlet
{
    private const string CertificateSet = "Certificate";
    private const string IntermediateSet = "Intermediate";
    private const string PublicKeySet = "PublicKey";

    /// <summary>PEM file of a root CA certificate.</summary>
    [Parameter(Mandatory = true, Position = 0, ParameterSetName = CertificateSet, ValueFromPipeline = true, ValueFromPipelineByPropertyName = true)]
    [Alias("FullName", "Path")]
    [ValidateNotNullOrEmpty]
    public string Certificate { get; set; } = "";

    /// <summary>PEM file of an intermediate CA certificate.</summary>
    [Parameter(Mandatory = true, ParameterSetName = IntermediateSet)]
    [ValidateNotNullOrEmpty]
    public string Intermediate { get; set; } = "";

    /// <summary>PEM file of a public key (-----BEGIN PUBLIC KEY-----).</summary>
    [Parameter(Mandatory = true, ParameterSetName = PublicKeySet)]
    [ValidateNotNullOrEmpty]
    public string PublicKey { get; set; } = "";

    /// <summary>The last signing time the key is trusted for: what it signed after this does not verify.</summary>
    [Parameter(ParameterSetName = PublicKeySet)]
    public DateTimeOffset? Expires { get; set; }

    /// <summary>The first signing time the key is trusted for.</summary>
    [Parameter(ParameterSetName = PublicKeySet)]
    public DateTimeOffset? NotBefore { get; set; }

    protected override void ProcessRecord()
    {
        var (kind, path) = ParameterSetName switch
        {
            IntermediateSet => (TrustAnchorKind.Intermediate, Intermediate),
            PublicKeySet => (TrustAnchorKind.Key, PublicKey),
            _ => (TrustAnchorKind.Root, Certificate),
        };
        var request = new TrustAnchorRequest { Kind = kind, Pem = ReadPem(path, ParameterSetName, TrustAnchorRequest.MaxPemLength), NotBefore = NotBefore, Expires = Expires };
        var window = kind == TrustAnchorKind.Key && (Expires is not null || NotBefore is not null)
            ? $" for signatures made {(NotBefore is { } nb ? $"from {nb:u} " : "")}{(Expires is { } e ? $"until {e:u}" : "")}".TrimEnd()
            : "";
        if (!ShouldProcess(path, $"Trust as {(kind == TrustAnchorKind.Key ? "a public key" : kind == TrustAnchorKind.Root ? "a root CA" : "an intermediate CA")}{window}")) return;
        var anchor = InvokeForItem((c, _, ct) => c.TrustAnchors.AddAsync(request, ct), path);
        if (anchor is null) return;
        if (!anchor.Created) WriteVerbose($"{anchor.Kind} {anchor.Id} was in the trust store already (added by {anchor.AddedBy} {anchor.AddedAt:u}); nothing changed.");
        WriteWarnings(anchor.Warnings);
        WriteObject(anchor);
    }
}
