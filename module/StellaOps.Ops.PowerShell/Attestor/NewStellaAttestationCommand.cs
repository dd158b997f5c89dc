using System.Management.Automation;
using StellaOps.Ops.Contracts;
using StellaOps.Ops.Contracts.Rpc;
using StellaOps.Ops.PowerShell.Pipeline;

namespace StellaOps.Ops.PowerShell.Attestor;

/// <summary>
/// New-StellaAttestation: records evidence about subjects and has the daemon sign it as an in-toto DSSE attestation,
/// one attestation per subject. Pipeline input streams through a <see cref="RequestPipeline{TRequest, TAnswer}"/>:
/// batches of attest.Create calls without waiting for each answer, answers written in input order as they arrive.
/// </summary>
[Cmdlet(VerbsCommon.New, "StellaAttestation", SupportsShouldProcess = true, ConfirmImpact = ConfirmImpact.Medium)]
[OutputType(typeof(AttestationInfo))]
public sealed class NewStellaAttestationCommand : StellaAttestationCmdlet
{
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

    private RequestPipeline<AttestationRequest, AttestationResult>? _pipeline;

    protected override void ProcessRecord()
    {
        string? predicate;
        try
        {
            predicate = PredicateArgument.ToJson(Predicate, FileSystemPath);
        }
        catch (Exception ex) when (ex is FormatException or IOException or UnauthorizedAccessException)
        {
            Pipeline().AddFailure(OpsException.InvalidArgument(ex.Message, "Predicate", "Fix -Predicate and run the command again; nothing was created."), Predicate ?? "Predicate");
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
                Pipeline().AddFailure(OpsException.InvalidArgument(ex.Message, text, SubjectArgument.Forms + " Nothing was created for this subject."), text);
                continue;
            }
            var described = SubjectArgument.Describe(subject);
            if (!ShouldProcess(described, $"Record and sign a '{Type}' attestation{(Force ? " (even if one exists)" : "")}")) continue;

            Pipeline().Add(new AttestationRequest { Type = Type, Subjects = [subject], PredicateJson = predicate, Force = Force }, described,
                (predicate?.Length ?? 0) + described.Length + Type.Length);
        }
    }

    protected override void EndProcessing()
    {
        _pipeline?.Complete();
        base.EndProcessing();
    }

    // The daemon's progress is shown for a command whose subjects fit in one call (the common case).
    private RequestPipeline<AttestationRequest, AttestationResult> Pipeline() => _pipeline ??= new(this,
        (c, requests, progress, ct) => c.Attest.CreateAsync(requests, progress, ct),
        r => r.Error,
        Render,
        progressActivity: "Creating attestations");
}
