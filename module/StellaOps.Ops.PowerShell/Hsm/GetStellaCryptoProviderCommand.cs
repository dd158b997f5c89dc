using System.Management.Automation;
using StellaOps.Ops.Contracts.Rpc;

namespace StellaOps.Ops.PowerShell.Hsm;

/// <summary>Get-StellaCryptoProvider: the signing providers (HSM, software), whether each is available and the algorithms it can generate and sign with.</summary>
[Cmdlet(VerbsCommon.Get, "StellaCryptoProvider")]
[OutputType(typeof(CryptoProviderInfo))]
public sealed class GetStellaCryptoProviderCommand : StellaCmdlet
{
    /// <summary>Type name the algorithm view is selected by; the objects are unchanged.</summary>
    internal const string DetailedTypeName = "StellaOps.Ops.Contracts.Rpc.CryptoProviderInfo#Detailed";

    [Parameter(Position = 0, ValueFromPipeline = true, ValueFromPipelineByPropertyName = true)]
    [SupportsWildcards]
    [ValidateNotNullOrEmpty]
    [ArgumentCompletions("Hsm", "Software")]
    public string[]? Name { get; set; }

    /// <summary>Renders every algorithm with what the provider can do with it (runbook: --algorithms).</summary>
    [Parameter]
    public SwitchParameter Detailed { get; set; }

    protected override void ProcessRecord()
    {
        var providers = InvokeForItem((c, _, ct) => c.Hsm.GetProvidersAsync(ct), "providers");
        if (providers is null) return;
        var patterns = Name?.Select(n => WildcardPattern.Get(n, WildcardOptions.IgnoreCase)).ToList();
        foreach (var p in providers)
        {
            if (patterns is not null && !patterns.Any(w => w.IsMatch(p.Name))) continue;
            if (!Detailed) { WriteObject(p); continue; }
            var pso = PSObject.AsPSObject(p);
            pso.TypeNames.Insert(0, DetailedTypeName);
            WriteObject(pso);
        }
        foreach (var n in Name ?? [])
        {
            if (!WildcardPattern.ContainsWildcardCharacters(n) && !providers.Any(p => p.Name.Equals(n, StringComparison.OrdinalIgnoreCase)))
            {
                WriteOpsError(Contracts.OpsException.NotFound(
                    $"No crypto provider is named '{n}'. The providers are: {string.Join(", ", providers.Select(p => p.Name))}.", n), n);
            }
        }
    }
}
