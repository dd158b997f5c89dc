using System.Management.Automation;
using StellaOps.Ops.Contracts;
using StellaOps.Ops.Contracts.Rpc;

namespace StellaOps.Ops.PowerShell.Keys;

/// <summary>Get-StellaKey: the signing keys, filtered, or the keys with the given ids, or their public keys as PEM text.</summary>
[Cmdlet(VerbsCommon.Get, "StellaKey", DefaultParameterSetName = ListSet)]
[OutputType(typeof(KeyInfo), ParameterSetName = [ListSet, IdSet])]
[OutputType(typeof(string), ParameterSetName = [PublicKeySet])]
public sealed class GetStellaKeyCommand : StellaCmdlet
{
    private const string ListSet = "List";
    private const string IdSet = "Id";
    private const string PublicKeySet = "PublicKey";

    [Parameter(Mandatory = true, Position = 0, ParameterSetName = IdSet, ValueFromPipeline = true, ValueFromPipelineByPropertyName = true)]
    [Parameter(Mandatory = true, Position = 0, ParameterSetName = PublicKeySet, ValueFromPipeline = true, ValueFromPipelineByPropertyName = true)]
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

    /// <summary>
    /// Writes each key's public key as PEM text (a string) instead of the key, so that
    /// <c>stella keys show &lt;id&gt; --public &gt; key.pem</c> saves a key openssl and verifiers read.
    /// Get-StellaPublicKey returns the same PEM with its id and algorithm as an object.
    /// </summary>
    [Parameter(Mandatory = true, ParameterSetName = PublicKeySet)]
    public SwitchParameter PublicKey { get; set; }

    /// <summary>Renders the keys with the detailed list view (every date, including the expiry); the objects are unchanged.</summary>
    [Parameter(ParameterSetName = ListSet)]
    [Parameter(ParameterSetName = IdSet)]
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
        if (ParameterSetName == PublicKeySet)
        {
            foreach (var id in Id)
            {
                var publicKey = InvokeForItem((c, _, ct) => c.Keys.GetPublicKeyAsync(id, ct), id);
                if (publicKey is not null) WriteObject(publicKey.Pem);
            }
            return;
        }
        if (ParameterSetName == IdSet)
        {
            foreach (var id in Id)
            {
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
