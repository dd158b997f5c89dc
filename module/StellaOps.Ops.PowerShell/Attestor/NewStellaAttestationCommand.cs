using System.Management.Automation;
using StellaOps.Ops.Contracts;
using StellaOps.Ops.Contracts.Rpc;

namespace StellaOps.Ops.PowerShell.Attestor;

/// <summary>
/// New-StellaAttestation: records evidence about subjects and has the daemon sign it as an in-toto DSSE attestation,
/// one attestation per subject. Pipeline input is batched: full chunks are sent as they fill, without waiting for
/// the answer, and every answer is collected in EndProcessing (docs/architecture.md, "Pipeline cmdlets").
/// </summary>
[Cmdlet(VerbsCommon.New, "StellaAttestation", SupportsShouldProcess = true, ConfirmImpact = ConfirmImpact.Medium)]
[OutputType(typeof(AttestationInfo))]
public sealed class NewStellaAttestationCommand : StellaAttestationCmdlet
{
    /// <summary>
    /// Requests per CreateAsync call (never over the daemon's batch limit), and the predicate bytes after which a chunk is
    /// sent early (the pipe caps a message at 4 MiB).
    /// </summary>
    internal const int ChunkSize = Protocol.MaxBatchItems < 256 ? Protocol.MaxBatchItems : 256;
    internal const int ChunkBytes = 1 << 20;

    [Parameter(Mandatory = true, Position = 0, ValueFromPipelineByPropertyName = true)]
    [ValidateNotNullOrEmpty]
    [ArgumentCompletions("test", "provenance", "sbom", "vuln", "https://slsa.dev/provenance/v1")]
    public string Type { get; set; } = "";

    /// <summary>name@sha256:hex, a bare sha256:hex, a file path (hashed here) or a name such as test:verification.</summary>
    [Parameter(Mandatory = true, Position = 1, ValueFromPipeline = true, ValueFromPipelineByPropertyName = true)]
    [Alias("FullName", "Digest")]
    [ValidateNotNullOrEmpty]
    public string[] Subject { get; set; } = [];

    /// <summary>A hashtable, a JSON object text or the path of a JSON file.</summary>
    [Parameter(ValueFromPipelineByPropertyName = true)]
    public object? Predicate { get; set; }

    /// <summary>Create a new attestation even if the subject already has one of this type.</summary>
    [Parameter]
    public SwitchParameter Force { get; set; }

    private readonly List<(AttestationRequest Request, string Subject)> _chunk = [];
    private int _chunkBytes;
    private readonly Queue<(Task<AttestationResult[]> Answer, List<(AttestationRequest Request, string Subject)> Items)> _sent = new();

    /// <summary>Chunks outstanding at most: the daemon signs each chunk in parallel already, more only queue there and hold memory here.</summary>
    internal const int MaxInFlight = 4;

    protected override void ProcessRecord()
    {
        string? predicate;
        try
        {
            predicate = PredicateArgument.ToJson(Predicate, FileSystemPath);
        }
        catch (Exception ex) when (ex is FormatException or IOException or UnauthorizedAccessException)
        {
            WriteOpsError(OpsException.InvalidArgument(ex.Message, "Predicate", "Fix -Predicate and run the command again; nothing was created."), Predicate);
            return;
        }

        foreach (var text in Subject)
        {
            AttestationSubject subject;
            try
            {
                subject = SubjectArgument.Resolve(text, FileSystemPath);
            }
            catch (Exception ex) when (ex is FormatException or IOException or UnauthorizedAccessException)
            {
                WriteOpsError(OpsException.InvalidArgument(ex.Message, text, SubjectArgument.Forms + " Nothing was created for this subject."), text);
                continue;
            }
            var described = SubjectArgument.Describe(subject);
            if (!ShouldProcess(described, $"Record and sign a '{Type}' attestation{(Force ? " (even if one exists)" : "")}")) continue;

            _chunk.Add((new AttestationRequest { Type = Type, Subjects = [subject], PredicateJson = predicate, Force = Force }, described));
            _chunkBytes += predicate?.Length ?? 0;
            if (_chunk.Count >= ChunkSize || _chunkBytes >= ChunkBytes) SendChunk();
            // Write what has come back, in order; wait for the oldest only when too many are outstanding.
            while (_sent.Count > 0 && (_sent.Peek().Answer.IsCompleted || _sent.Count > MaxInFlight)) WriteAnswer(_sent.Dequeue());
        }
    }

    protected override void EndProcessing()
    {
        if (_sent.Count == 0 && _chunk.Count > 0)
        {
            // The common case, one chunk: call and wait here, so the daemon's progress reaches Write-Progress.
            var items = TakeChunk();
            var results = InvokeForItem((c, p, ct) => c.Attest.CreateAsync([.. items.Select(i => i.Request)], p, ct), Target(items), "Creating attestations");
            if (results is not null) WriteResults(results, items);
        }
        else
        {
            if (_chunk.Count > 0) SendChunk();
            while (_sent.Count > 0) WriteAnswer(_sent.Dequeue());
        }
        base.EndProcessing();
    }

    private void WriteAnswer((Task<AttestationResult[]> Answer, List<(AttestationRequest Request, string Subject)> Items) sent)
    {
        var results = InvokeForItem((_, _, _) => sent.Answer, Target(sent.Items));
        if (results is not null) WriteResults(results, sent.Items);
    }

    /// <summary>Starts the call for the current chunk and queues its task; answers are written in order as they come.</summary>
    private void SendChunk()
    {
        var items = TakeChunk();
        var answer = Invoke((c, _, ct) => Task.FromResult(c.Attest.CreateAsync([.. items.Select(i => i.Request)], null, ct)));
        _sent.Enqueue((answer, items));
    }

    private List<(AttestationRequest Request, string Subject)> TakeChunk()
    {
        var items = _chunk.ToList();
        _chunk.Clear();
        _chunkBytes = 0;
        return items;
    }

    private void WriteResults(AttestationResult[] results, List<(AttestationRequest Request, string Subject)> items)
    {
        for (var i = 0; i < results.Length; i++) WriteResult(results[i], i < items.Count ? items[i].Subject : "");
    }

    private static string Target(List<(AttestationRequest Request, string Subject)> items)
        => items.Count == 1 ? items[0].Subject : $"{items.Count} subjects ({items[0].Subject} …)";
}
