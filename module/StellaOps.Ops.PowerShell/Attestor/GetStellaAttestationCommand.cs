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

    /// <summary>The newest n (-Last 10000), or those created within a window (-Last 1h).</summary>
    [Parameter(ParameterSetName = ListSet)]
    [RecentTransformation]
    public RecentArgument? Last { get; set; }

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

    /// <summary>Every attestation the filters select, however many (streamed page by page); without it at most 1000.</summary>
    [Parameter(ParameterSetName = ListSet)]
    public SwitchParameter All { get; set; }

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
        var query = new AttestationQuery { Last = Last?.Window, Since = Since, Status = Status, Subject = Subject, Type = Type };
        // The fewest of the counts given; -All alone: no limit; nothing: the daemon's old default of 1000.
        int? total = new[] { Newest, Last?.Count }.Where(n => n is not null).Min() ?? (All ? null : DefaultCount);
        try
        {
            // Written page by page as they arrive: 20,000 attestations never sit in one answer (Ipc:MaxAnswerBytes).
            foreach (var a in ListPages(query, total)) Emit(a, Detailed ? DetailedTypeName : null);
        }
        catch (OpsException ex) when (!ErrorMapping.EndsCommand(ex.Code))
        {
            WriteOpsError(ex, query);
        }
        catch (OpsException ex)
        {
            ThrowOpsError(ex, query);
        }
    }

    /// <summary>How many a listing without -Newest, a -Last count or -All returns.</summary>
    internal const int DefaultCount = 1000;

    private void Emit(AttestationInfo attestation, string? typeName)
    {
        if (typeName is null) { WriteObject(attestation); return; }
        var pso = PSObject.AsPSObject(attestation);
        pso.TypeNames.Insert(0, typeName);
        WriteObject(pso);
    }
}
