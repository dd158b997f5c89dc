using System.Management.Automation;
using StellaOps.Ops.Contracts;
using StellaOps.Ops.Contracts.Rpc;

namespace StellaOps.Ops.PowerShell.Keys;

/// <summary>Get-StellaKey: the signing keys, filtered, or the keys with the given ids.</summary>
[Cmdlet(VerbsCommon.Get, "StellaKey", DefaultParameterSetName = ListSet)]
[OutputType(typeof(KeyInfo))]
[OutputType(typeof(PublicKeyInfo), ParameterSetName = [IdSet])]
public sealed class GetStellaKeyCommand : StellaCmdlet
{
    private const string ListSet = "List";
    private const string IdSet = "Id";

    [Parameter(Mandatory = true, Position = 0, ParameterSetName = IdSet, ValueFromPipeline = true, ValueFromPipelineByPropertyName = true)]
    [ValidateNotNullOrEmpty]
    [ArgumentCompleter(typeof(KeyIdCompleter))]
    public string[] Id { get; set; } = [];

    [Parameter(ParameterSetName = ListSet)]
    [SupportsWildcards]
    [ValidateNotNullOrEmpty]
    public string? Name { get; set; }

    [Parameter(ParameterSetName = ListSet)]
    public KeyType? Type { get; set; }

    [Parameter(ParameterSetName = ListSet)]
    public KeyStatus? Status { get; set; }

    [Parameter(ParameterSetName = ListSet)]
    [DurationTransformation]
    public Duration? ExpiringWithin { get; set; }

    [Parameter(ParameterSetName = ListSet)]
    [ValidateNotNullOrEmpty]
    public string? Purpose { get; set; }

    /// <summary>Returns the public keys (PEM) instead, as Get-StellaPublicKey does (runbook: stella keys show &lt;id&gt; --public).</summary>
    [Parameter(ParameterSetName = IdSet)]
    public SwitchParameter PublicKey { get; set; }

    /// <summary>Renders the keys with the detailed list view (every date, including the expiry); the objects are unchanged.</summary>
    [Parameter]
    public SwitchParameter Detailed { get; set; }

    private void Emit(KeyInfo key)
    {
        if (!Detailed) { WriteObject(key); return; }
        var pso = PSObject.AsPSObject(key);
        pso.TypeNames.Insert(0, DetailedTypeName);
        WriteObject(pso);
    }

    internal const string DetailedTypeName = "StellaOps.Ops.Contracts.Rpc.KeyInfo#Detailed";

    protected override void ProcessRecord()
    {
        if (ParameterSetName == IdSet)
        {
            foreach (var id in Id)
            {
                if (PublicKey)
                {
                    var pem = InvokeForItem((c, _, ct) => c.Keys.GetPublicKeyAsync(id, ct), id);
                    if (pem is not null) WriteObject(pem);
                    continue;
                }
                var key = InvokeForItem((c, _, ct) => c.Keys.GetAsync(id, ct), id);
                if (key is not null) Emit(key);
            }
            return;
        }
        var query = new KeyQuery { Type = Type, Status = Status, ExpiringWithin = ExpiringWithin, Name = Name, Purpose = Purpose };
        var keys = InvokeForItem((c, _, ct) => c.Keys.ListAsync(query, ct), null);
        if (keys is null) return;
        foreach (var k in keys) Emit(k);
    }
}
