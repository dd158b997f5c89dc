using System.Management.Automation;
using StellaOps.Ops.Contracts;
using StellaOps.Ops.Contracts.Rpc;
using StellaOps.Ops.PowerShell.Attestor;

namespace StellaOps.Ops.PowerShell.Verification;

/// <summary>
/// Test-StellaArtifact (stella verify artifact --digest &lt;digest&gt;): every stored attestation about the digest, and
/// every envelope or bundle in -Path (a folder, *.json), verified by the daemon with the digest as the expected subject;
/// one summary. Each failure is also a non-terminating SecurityError.
/// </summary>
[Cmdlet(VerbsDiagnostic.Test, "StellaArtifact")]
[OutputType(typeof(ArtifactVerification))]
public sealed class TestStellaArtifactCommand : StellaAttestationCmdlet
{
    [Parameter(Mandatory = true, Position = 0, ValueFromPipelineByPropertyName = true)]
    [Alias("SubjectDigest")]
    [ValidatePattern("^[a-zA-Z0-9]+:[0-9a-fA-F]+$")]
    public string Digest { get; set; } = "";

    /// <summary>A folder of DSSE envelopes / Sigstore bundles (*.json) to verify as well.</summary>
    [Parameter]
    [ValidateNotNullOrEmpty]
    public string? Path { get; set; }

    protected override void ProcessRecord()
    {
        var digest = Digest.ToLowerInvariant();
        var policy = new VerificationPolicy { ExpectedSubjectDigest = digest };
        var results = new List<AttestationVerification>();
        var stored = InvokeForItem((c, _, ct) => c.Verify.VerifyAsync(new VerificationRequest { Subject = digest, Policy = policy }, ct), digest);
        if (stored is not null) results.AddRange(stored);

        if (Path is not null)
        {
            var folder = FileSystemPath(Path);
            if (folder is null || !Directory.Exists(folder))
            {
                WriteOpsError(new OpsException(OpsErrorCode.NotFound, $"There is no folder '{Path}'.", Path, "Give the folder that holds the bundles (*.json)."), Path);
            }
            else
            {
                var files = Directory.EnumerateFiles(folder, "*.json").Order(StringComparer.Ordinal)
                    .Where(f => new FileInfo(f).Length <= VerificationRequest.MaxDocumentBytes).ToList();
                foreach (var chunk in files.Chunk(64))
                {
                    var documents = chunk.Select(f => new VerificationDocument { Name = f, Content = File.ReadAllText(f) }).ToArray();
                    var verified = InvokeForItem((c, _, ct) => c.Verify.VerifyAsync(new VerificationRequest { Documents = documents, Policy = policy }, ct), folder);
                    if (verified is not null) results.AddRange(verified);
                }
            }
        }

        foreach (var r in results)
        {
            foreach (var check in r.Checks) WriteVerbose($"{r.Source}: {check.Name}: {check.Status.ToString().ToLowerInvariant()}{(check.Reason.Length > 0 ? " - " + check.Reason : "")}");
            if (!r.Verified) WriteError(VerificationErrors.ToErrorRecord(r));
        }
        // Nothing found is not verified: an error as for a failed check, so a script that stops on errors stops here too.
        if (results.Count == 0)
            WriteOpsError(new OpsException(OpsErrorCode.AttestationNotFound, $"No attestation about {digest} was found{(Path is null ? "" : $" in the daemon or in {Path}")}: the artifact is not verified.", digest,
                "Check the digest, or give the folder of its Sigstore bundles: stella verify artifact --digest <digest> --path <folder>"), digest);
        var passed = results.Count(r => r.Verified);
        WriteObject(new ArtifactVerification
        {
            Digest = digest, Verified = results.Count > 0 && passed == results.Count, Total = results.Count, Passed = passed, Failed = results.Count - passed, Results = results,
        });
    }
}
