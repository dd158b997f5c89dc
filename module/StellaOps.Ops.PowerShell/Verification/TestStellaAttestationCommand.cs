using System.Management.Automation;
using StellaOps.Ops.Attestation.Verification;
using StellaOps.Ops.Contracts;
using StellaOps.Ops.Contracts.Rpc;
using StellaOps.Ops.PowerShell.Attestor;

namespace StellaOps.Ops.PowerShell.Verification;

/// <summary>
/// Test-StellaAttestation (stella verify attestation --attestation &lt;id&gt; [--verbose] / --last): verifies stored
/// attestations in the daemon, or DSSE envelope / Sigstore bundle files. -Path with -TrustedKey / -TrustAnchor
/// verifies in this process, no daemon needed. A failed verification is a result with Verified = false and also a
/// non-terminating SecurityError whose id names the cause, so both $r.Verified and -ErrorAction Stop work.
/// </summary>
[Cmdlet(VerbsDiagnostic.Test, "StellaAttestation", DefaultParameterSetName = IdSet)]
[OutputType(typeof(AttestationVerification))]
[OutputType(typeof(bool), ParameterSetName = [IdSet, LastSet, PathSet])]
public sealed class TestStellaAttestationCommand : StellaAttestationCmdlet
{
    private const string IdSet = "Id";
    private const string LastSet = "Last";
    private const string PathSet = "Path";

    /// <summary>Ids sent per call: under Protocol.MaxBatchItems. Pipeline input from Get-StellaAttestation is sent in batches of this size.</summary>
    internal const int BatchSize = 256;

    private readonly List<string> _ids = [];
    private bool _allVerified = true;

    /// <summary>Stored attestation ids; objects from Get-StellaAttestation bind by their Id.</summary>
    [Parameter(Mandatory = true, Position = 0, ParameterSetName = IdSet, ValueFromPipeline = true, ValueFromPipelineByPropertyName = true)]
    [Alias("AttestationId")]
    [ValidateNotNullOrEmpty]
    [ArgumentCompleter(typeof(AttestationIdCompleter))]
    public string[] Id { get; set; } = [];

    /// <summary>The newest signed attestations (-Last alone: the newest one; -Last 10: the newest ten).</summary>
    [Parameter(Mandatory = true, ParameterSetName = LastSet)]
    public SwitchParameter Last { get; set; }

    [Parameter(Position = 0, ParameterSetName = LastSet)]
    [ValidateRange(1, 100000)]
    public int Count { get; set; } = 1;

    /// <summary>DSSE envelope or Sigstore bundle files.</summary>
    [Parameter(Mandatory = true, ParameterSetName = PathSet, ValueFromPipelineByPropertyName = true)]
    [Alias("FullName")]
    [ValidateNotNullOrEmpty]
    public string[] Path { get; set; } = [];

    /// <summary>PEM public keys to trust (offline; with -Path the daemon is then not asked).</summary>
    [Parameter(ParameterSetName = PathSet)]
    [ValidateNotNullOrEmpty]
    public string[] TrustedKey { get; set; } = [];

    /// <summary>PEM CA certificates to trust: self-signed ones as roots, others as intermediates (offline).</summary>
    [Parameter(ParameterSetName = PathSet)]
    [ValidateNotNullOrEmpty]
    public string[] TrustAnchor { get; set; } = [];

    /// <summary>The statement must have a subject with this digest (sha256:hex).</summary>
    [Parameter]
    [ValidatePattern("^[a-zA-Z0-9]+:[0-9a-fA-F]+$")]
    public string? Digest { get; set; }

    /// <summary>The signing key must belong to this trusted issuer.</summary>
    [Parameter]
    [ValidateNotNullOrEmpty]
    public string? Issuer { get; set; }

    /// <summary>Returns only $true when everything verified, $false otherwise; no result objects, no errors.</summary>
    [Parameter]
    public SwitchParameter Quiet { get; set; }

    private VerificationPolicy Policy => new() { ExpectedSubjectDigest = Digest?.ToLowerInvariant(), ExpectedIssuer = Issuer };

    protected override void ProcessRecord()
    {
        switch (ParameterSetName)
        {
            case IdSet:
                // Batched: ids from the pipeline are collected and sent BatchSize at a time.
                foreach (var id in Id)
                {
                    _ids.Add(id);
                    if (_ids.Count >= BatchSize) FlushIds();
                }
                break;
            case LastSet:
                VerifyLast();
                break;
            default:
                VerifyPaths();
                break;
        }
    }

    protected override void EndProcessing()
    {
        if (ParameterSetName == IdSet) FlushIds();
        if (Quiet) WriteObject(_allVerified);
        base.EndProcessing();
    }

    private void FlushIds()
    {
        if (_ids.Count == 0) return;
        var ids = _ids.ToArray();
        _ids.Clear();
        AttestationVerification[]? results;
        try
        {
            results = Invoke((c, _, ct) => c.Verify.VerifyAsync(new VerificationRequest { Ids = ids, Policy = Policy }, ct));
        }
        catch (OpsException ex) when (ids.Length > 1 && ex.Code is OpsErrorCode.AttestationNotFound or OpsErrorCode.InvalidArgument)
        {
            // One bad id fails the whole call: verify them one by one so each good id still gets its result.
            results = [.. ids.Select(id => InvokeForItem((c, _, ct) => c.Verify.VerifyAsync(new VerificationRequest { Ids = [id], Policy = Policy }, ct), id)).Where(r => r is not null).SelectMany(r => r!)];
            _allVerified &= results.Length == ids.Length;
        }
        catch (OpsException ex) when (ex.Code is not (OpsErrorCode.Unavailable or OpsErrorCode.ProtocolMismatch or OpsErrorCode.Unauthorized))
        {
            _allVerified = false;
            if (!Quiet) WriteOpsError(ex, ids.Length == 1 ? ids[0] : ids);
            return;
        }
        Emit(results);
    }

    private void VerifyLast()
    {
        if (Count <= Protocol.MaxBatchItems)
        {
            var results = InvokeForItem((c, _, ct) => c.Verify.VerifyAsync(new VerificationRequest { Last = Count, Policy = Policy }, ct), "last");
            if (results is null) { _allVerified = false; return; }
            if (results.Length == 0) WriteWarning("There is no signed attestation to verify.");
            Emit(results);
            return;
        }
        // More than one call takes: list the newest ids, then verify them in batches.
        var list = InvokeForItem((c, _, ct) => c.Attest.ListAsync(new AttestationQuery { Status = AttestationStatus.Signed, Limit = Count }, ct), "last");
        if (list is null) { _allVerified = false; return; }
        foreach (var chunk in list.Select(a => a.Id).Chunk(BatchSize))
        {
            _ids.AddRange(chunk);
            FlushIds();
        }
    }

    private void VerifyPaths()
    {
        var files = new List<(string Name, byte[] Content)>();
        foreach (var text in Path)
        {
            var path = FileSystemPath(text);
            if (path is null || !File.Exists(path))
            {
                _allVerified = false;
                if (!Quiet) WriteOpsError(new OpsException(OpsErrorCode.NotFound, $"There is no file '{text}'.", text, "Give the path of a DSSE envelope or Sigstore bundle (.json)."), text);
                continue;
            }
            if (new FileInfo(path).Length > VerificationRequest.MaxDocumentBytes)
            {
                _allVerified = false;
                if (!Quiet) WriteOpsError(new OpsException(OpsErrorCode.LimitExceeded, $"'{path}' is over {VerificationRequest.MaxDocumentBytes} bytes: not an attestation this verifier reads.", path), path);
                continue;
            }
            files.Add((path, File.ReadAllBytes(path)));
        }
        if (files.Count == 0) return;

        if (TrustedKey.Length > 0 || TrustAnchor.Length > 0)
        {
            var trust = LocalTrust.Load(TrustedKey, TrustAnchor, FileSystemPath, out var problems);
            foreach (var problem in problems)
            {
                _allVerified = false;
                if (!Quiet) WriteOpsError(problem, problem.Target);
            }
            using var verifier = new AttestationVerifier(trust);
            Emit([.. files.Select(f => verifier.Verify(f.Content, f.Name, Policy))]);
            return;
        }
        foreach (var chunk in files.Chunk(64))
        {
            var documents = chunk.Select(f => new VerificationDocument { Name = f.Name, Content = System.Text.Encoding.UTF8.GetString(f.Content) }).ToArray();
            var results = InvokeForItem((c, _, ct) => c.Verify.VerifyAsync(new VerificationRequest { Documents = documents, Policy = Policy }, ct), chunk[0].Name);
            if (results is null) { _allVerified = false; continue; }
            Emit(results);
        }
    }

    private void Emit(IEnumerable<AttestationVerification> results)
    {
        foreach (var r in results)
        {
            foreach (var check in r.Checks)
                WriteVerbose($"{r.Source}: {check.Name}: {check.Status.ToString().ToLowerInvariant()}{(check.Reason.Length > 0 ? " - " + check.Reason : "")}");
            WriteVerbose($"{r.Source}: signing time {r.SigningTime:u} from {r.SigningTimeSource} ({r.SigningTimeDetail})");
            if (!r.Verified) _allVerified = false;
            if (Quiet) continue;
            WriteObject(r);
            if (!r.Verified) WriteError(VerificationErrors.ToErrorRecord(r));
        }
    }
}
