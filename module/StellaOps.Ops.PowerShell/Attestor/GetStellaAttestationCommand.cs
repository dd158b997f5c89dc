using System.Management.Automation;
using StellaOps.Ops.Contracts;
using StellaOps.Ops.Contracts.Rpc;

namespace StellaOps.Ops.PowerShell.Attestor;

/// <summary>Get-StellaAttestation: lists attestations (newest first), or gets attestations by id with their statement, envelope and history.</summary>
[Cmdlet(VerbsCommon.Get, "StellaAttestation", DefaultParameterSetName = ListSet)]
[OutputType(typeof(AttestationInfo))]
public sealed class GetStellaAttestationCommand : StellaAttestationCmdlet
{
    private const string ListSet = "List";
    private const string IdSet = "Id";

    /// <summary>Objects from Get-StellaAttestorStatus (LastFailure) bind by their AttestationId.</summary>
    [Parameter(Mandatory = true, Position = 0, ParameterSetName = IdSet, ValueFromPipeline = true, ValueFromPipelineByPropertyName = true)]
    [Alias("AttestationId")]
    [ValidateNotNullOrEmpty]
    [ArgumentCompleter(typeof(AttestationIdCompleter))]
    public string[] Id { get; set; } = [];

    [Parameter(ParameterSetName = ListSet)]
    [DurationTransformation]
    public Duration? Last { get; set; }

    [Parameter(ParameterSetName = ListSet)]
    public DateTimeOffset? Since { get; set; }

    [Parameter(ParameterSetName = ListSet)]
    public AttestationStatus? Status { get; set; }

    /// <summary>A subject name (wildcards) or digest (sha256:hex).</summary>
    [Parameter(ParameterSetName = ListSet)]
    [SupportsWildcards]
    [ValidateNotNullOrEmpty]
    public string? Subject { get; set; }

    [Parameter(ParameterSetName = ListSet)]
    [ValidateNotNullOrEmpty]
    public string? Type { get; set; }

    /// <summary>At most this many, newest first (the daemon's default is 1000).</summary>
    [Parameter(ParameterSetName = ListSet)]
    [ValidateRange(1, int.MaxValue)]
    public int? Newest { get; set; }

    /// <summary>Renders every detail (history, statement, envelope) as a list; the objects are unchanged.</summary>
    [Parameter]
    public SwitchParameter Detailed { get; set; }

    /// <summary>One attestation by id is shown as a list: signer, algorithm, subject (stella attest show).</summary>
    internal const string ItemTypeName = "StellaOps.Ops.Contracts.Rpc.AttestationInfo#Item";
    internal const string DetailedTypeName = "StellaOps.Ops.Contracts.Rpc.AttestationInfo#Detailed";

    protected override void ProcessRecord()
    {
        if (ParameterSetName == IdSet)
        {
            foreach (var id in Id)
            {
                var attestation = InvokeForItem((c, _, ct) => c.Attest.GetAsync(id, ct), id);
                if (attestation is not null) Emit(attestation, Detailed ? DetailedTypeName : ItemTypeName);
            }
            return;
        }
        var query = new AttestationQuery { Last = Last, Since = Since, Status = Status, Subject = Subject, Type = Type, Limit = Newest };
        var list = InvokeForItem((c, _, ct) => c.Attest.ListAsync(query, ct), null);
        if (list is null) return;
        foreach (var a in list) Emit(a, Detailed ? DetailedTypeName : null);
    }

    private void Emit(AttestationInfo attestation, string? typeName)
    {
        if (typeName is null) { WriteObject(attestation); return; }
        var pso = PSObject.AsPSObject(attestation);
        pso.TypeNames.Insert(0, typeName);
        WriteObject(pso);
    }
}
