using System.Management.Automation;
using StellaOps.Ops.Contracts.Rpc;

namespace StellaOps.Ops.PowerShell.Trust;

/// <summary>
/// Update-StellaIssuerKey: fetches an issuer's signed document (its keys with their windows) from a folder or an
/// http(s) URL and accepts it only when a key already trusted for that issuer signed it and it is newer than the
/// one accepted before. Without -Source the issuer's last source is used; for this daemon's own issuer, fetched the
/// first time, the folder the daemon publishes its document to.
/// </summary>
[Cmdlet(VerbsData.Update, "StellaIssuerKey", SupportsShouldProcess = true, ConfirmImpact = ConfirmImpact.Medium)]
[OutputType(typeof(IssuerInfo))]
public sealed class UpdateStellaIssuerKeyCommand : TrustCmdlet
{
    [Parameter(Mandatory = true, Position = 0, ValueFromPipeline = true, ValueFromPipelineByPropertyName = true)]
    [ValidateNotNullOrEmpty]
    [ArgumentCompleter(typeof(IssuerIdCompleter))]
    public string[] Id { get; set; } = [];

    /// <summary>A folder holding issuer.json, or the issuer directory's http(s) URL.</summary>
    [Parameter(Position = 1)]
    [ValidateNotNullOrEmpty]
    public string? Source { get; set; }

    protected override void ProcessRecord()
    {
        var source = Source is null || Uri.TryCreate(Source, UriKind.Absolute, out var u) && u.Scheme is "http" or "https"
            ? Source
            : SessionState.Path.GetUnresolvedProviderPathFromPSPath(Source);
        foreach (var id in Id)
        {
            if (!ShouldProcess(id, $"Fetch the issuer's keys from {source ?? "its last source (this daemon's own issuer: the folder it publishes to)"}")) continue;
            var issuer = InvokeForItem((c, _, ct) => c.Issuers.FetchAsync(id, source, ct), id);
            if (issuer is not null) WriteObject(issuer);
        }
    }
}
