using System.Management.Automation;
using StellaOps.Ops.Contracts.Rpc;
using StellaOps.Ops.PowerShell.Keys;

namespace StellaOps.Ops.PowerShell.Trust;

/// <summary>
/// Set-StellaKeyCertificate: stores the certificate a CA issued for a key (-Path: the leaf, which must carry the
/// key's public key, then its chain), or rebuilds the stored chain from the trust store's current intermediates and
/// the certificates of -Path (-UpdateChain), saying what changed.
/// </summary>
[Cmdlet(VerbsCommon.Set, "StellaKeyCertificate", SupportsShouldProcess = true, ConfirmImpact = ConfirmImpact.Medium, DefaultParameterSetName = SetSet)]
[OutputType(typeof(KeyCertificateInfo), ParameterSetName = [SetSet])]
[OutputType(typeof(KeyCertificateChainUpdate), ParameterSetName = [UpdateSet])]
public sealed class SetStellaKeyCertificateCommand : TrustCmdlet
{
    private const string SetSet = "Set";
    private const string UpdateSet = "UpdateChain";

    [Parameter(Mandatory = true, Position = 0, ValueFromPipelineByPropertyName = true)]
    [Alias("KeyId")]
    [ValidateNotNullOrEmpty]
    [ArgumentCompleter(typeof(KeyIdCompleter))]
    public string Id { get; set; } = "";

    /// <summary>PEM file: the leaf first, then its chain (with -UpdateChain: extra links to build the chain from).</summary>
    [Parameter(Mandatory = true, Position = 1, ParameterSetName = SetSet)]
    [Parameter(Position = 1, ParameterSetName = UpdateSet)]
    [ValidateNotNullOrEmpty]
    public string? Path { get; set; }

    [Parameter(Mandatory = true, ParameterSetName = UpdateSet)]
    public SwitchParameter UpdateChain { get; set; }

    protected override void ProcessRecord()
    {
        var upload = Path is null ? null : new KeyCertificateUpload { Pem = ReadPem(Path, nameof(Path), KeyCertificateUpload.MaxPemLength) };
        if (UpdateChain)
        {
            if (!ShouldProcess(Id, "Rebuild the key's stored certificate chain from the trust store" + (Path is null ? "" : $" and {Path}"))) return;
            var update = InvokeForItem((c, _, ct) => c.Certificates.UpdateChainAsync(Id, upload, ct), Id);
            if (update is null) return;
            WriteVerbose(update.Message);
            WriteWarnings(update.Certificate.Warnings);
            WriteObject(update);
            return;
        }
        if (!ShouldProcess(Id, $"Set the key's certificate from {Path}")) return;
        var info = InvokeForItem((c, _, ct) => c.Certificates.SetAsync(Id, upload!, ct), Id);
        if (info is null) return;
        WriteWarnings(info.Warnings);
        WriteObject(info);
    }
}
