using System.Management.Automation;
using StellaOps.Ops.Contracts.Rpc;

namespace StellaOps.Ops.PowerShell.TrustSync;

/// <summary>
/// Initialize-StellaTrust (<c>stella trust init</c>): points the daemon's TUF client at a repository. A first init
/// needs the repository's root, as a file (-Root) or pinned by its SHA-256 (-RootSha256: the repository's own
/// root.json must match). An initialised client is moved to another repository or mirror only with -Force, and keeps
/// the root it trusts: the new repository's metadata must verify against it.
/// </summary>
[Cmdlet(VerbsData.Initialize, "StellaTrust", SupportsShouldProcess = true, ConfirmImpact = ConfirmImpact.Medium)]
[OutputType(typeof(TrustSyncResult))]
public sealed class InitializeStellaTrustCommand : TrustSyncCmdlet
{
    [Parameter(Mandatory = true, Position = 0, ValueFromPipelineByPropertyName = true)]
    [Alias("Url", "RepositoryUrl")]
    [ValidateNotNullOrEmpty]
    public string TufUrl { get; set; } = "";

    /// <summary>The targets URL; by default <c>{TufUrl}targets/</c> (the Sigstore layout).</summary>
    [Parameter(ValueFromPipelineByPropertyName = true)]
    public string? TargetsUrl { get; set; }

    /// <summary>The repository's root.json, obtained out of band.</summary>
    [Parameter]
    [ValidateNotNullOrEmpty]
    public string? Root { get; set; }

    /// <summary>The SHA-256 (hex) of the root.json to trust.</summary>
    [Parameter]
    [ValidatePattern("^[0-9a-fA-F]{64}$")]
    public string? RootSha256 { get; set; }

    /// <summary>Move an initialised client to another repository (it keeps its trusted root).</summary>
    [Parameter]
    public SwitchParameter Force { get; set; }

    protected override void ProcessRecord()
    {
        byte[]? root = Root is null ? null : ReadFile(ResolveFile(Root, nameof(Root), mustExist: true), nameof(Root), 512_000);
        var request = new TrustInitRequest { TufUrl = TufUrl, TargetsUrl = TargetsUrl, Root = root, RootSha256 = RootSha256?.ToLowerInvariant(), Force = Force };
        var action = Force ? "Move trust sync to this repository, keeping the trusted root" : "Initialise trust sync with this repository";
        if (!ShouldProcess(TufUrl, action)) return;
        // The first refresh reports its steps as Sync-StellaTrust's do (root chain, timestamp, snapshot, targets, each
        // target file): the base class writes them as this command's progress record and completes it at the end.
        var result = InvokeForItem((c, progress, ct) => c.TrustSync.InitAsync(request, progress, ct), TufUrl, "Initialize-StellaTrust");
        if (result is not null) WriteResult(result);
    }
}
