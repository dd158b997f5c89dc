using System.Management.Automation;
using StellaOps.Ops.Attestation.Verification;
using StellaOps.Ops.Contracts;
using StellaOps.Ops.Contracts.Client;
using StellaOps.Ops.Contracts.Rpc;
using StellaOps.Ops.PowerShell.Attestor;
using StellaOps.Ops.PowerShell.Pipeline;
using StellaOps.Ops.Transparency.Verification;

namespace StellaOps.Ops.PowerShell.Verification;

/// <summary>
/// Test-StellaAttestation (stella verify attestation --attestation &lt;id&gt; [--verbose] / --last): verifies stored
/// attestations in the daemon, or DSSE envelope / Sigstore bundle files. -Path with -TrustedKey / -TrustAnchor adds
/// those files to the daemon's trust, or verifies in this process against them alone when no daemon answers; then a
/// bundle's transparency-log entries are checked offline against -TrustedRoot (or the TUF cache's trusted root). A failed verification is a result with Verified = false and also a
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

    private RequestPipeline<string, AttestationVerification>? _ids;
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

    /// <summary>PEM public keys to trust as well: added to the daemon's trust when a daemon answers, on their own (offline) when none does.</summary>
    [Parameter(ParameterSetName = PathSet)]
    [ValidateNotNullOrEmpty]
    public string[] TrustedKey { get; set; } = [];

    /// <summary>PEM CA certificates to trust as well: self-signed ones as roots, others as intermediates (as -TrustedKey: with the daemon's trust, or alone).</summary>
    [Parameter(ParameterSetName = PathSet)]
    [ValidateNotNullOrEmpty]
    public string[] TrustAnchor { get; set; } = [];

    /// <summary>
    /// A Sigstore trusted_root.json whose transparency logs judge a bundle's log entries when no daemon answers (default:
    /// the TUF cache's trusted root, when there is one). With a daemon, the daemon's own trusted root judges them.
    /// </summary>
    [Parameter(ParameterSetName = PathSet)]
    [ValidateNotNullOrEmpty]
    public string? TrustedRoot { get; set; }

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
                // Streamed: ids from the pipeline go to the daemon in batches while more arrive; answers in input order.
                foreach (var id in Id) Ids().Add(id, id, id.Length);
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
        _ids?.Complete();
        if (Quiet) WriteObject(_allVerified);
        base.EndProcessing();
    }

    /// <summary>
    /// The one client pipeline (RequestPipeline) for stored ids: the daemon answers each id on its own (an unknown one is
    /// that item's error), so one bad id costs only its own answer; a refusal or a lost daemon ends the command.
    /// </summary>
    private RequestPipeline<string, AttestationVerification> Ids()
    {
        if (_ids is not null) return _ids;
        var policy = Policy;
        return _ids = new(this,
            (c, ids, _, ct) => c.Verify.VerifyAsync(new VerificationRequest { Ids = ids, Policy = policy }, ct),
            Failure,
            (r, _) => Written(r));
    }

    private void VerifyLast()
    {
        if (Count <= RequestPipelineLimits.Default.BatchItems)
        {
            var results = InvokeForItem((c, _, ct) => c.Verify.VerifyAsync(new VerificationRequest { Last = Count, Policy = Policy }, ct), "last");
            if (results is null) { _allVerified = false; return; }
            if (results.Length == 0) NothingToVerify();
            Emit(results);
            return;
        }
        // More than one call takes: the newest signed ids, page by page, through the same pipeline as -Id.
        var any = false;
        try
        {
            foreach (var a in ListPages(new AttestationQuery { Status = AttestationStatus.Signed }, Count))
            {
                any = true;
                Ids().Add(a.Id, a.Id, a.Id.Length);
            }
        }
        catch (OpsException ex) when (!ErrorMapping.EndsCommand(ex.Code))
        {
            _allVerified = false;
            if (!Quiet) WriteOpsError(ex, "last");
        }
        catch (OpsException ex)
        {
            ThrowOpsError(ex, "last");
        }
        if (!any) NothingToVerify();
    }

    /// <summary>
    /// -Last with no signed attestation verified nothing: an error (not a warning), so a script that stops on errors
    /// does not go on as if something had been verified, and -Quiet answers false.
    /// </summary>
    private void NothingToVerify()
    {
        _allVerified = false;
        if (!Quiet)
            WriteOpsError(new OpsException(OpsErrorCode.AttestationNotFound, "There is no signed attestation to verify: nothing was verified.", "last",
                "Sign one first (stella attest create --type test --subject \"test:verification\"), or see why none is signed: Get-StellaAttestation -Status Failed"), "last");
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

        LocalTrust? local = null;
        if (TrustedKey.Length > 0 || TrustAnchor.Length > 0 || TrustedRoot is not null)
        {
            local = LocalTrust.Load(TrustedKey, TrustAnchor, TrustedRoot, FileSystemPath, out var problems);
            foreach (var problem in problems)
            {
                _allVerified = false;
                if (!Quiet) WriteOpsError(problem, problem.Target);
            }
            // The files are trusted in addition to the daemon's trust when a daemon answers; without one, on their own (said so).
            if (UnreachableDaemon() is { } why)
            {
                var sources = local.Sources;
                WriteWarning($"No daemon answers at {ResolvedEndpoint} ({why}): verified against {Describe(sources)} only, not the daemon's trust.");
                using var verifier = new AttestationVerifier(local.Material, new AttestationVerifierOptions { LogEntryCheck = new BundleLogEntryCheck() });
                Emit([.. files.Select(f => verifier.Verify(f.Content, f.Name, Policy) with { TrustSources = sources })]);
                return;
            }
        }
        if (TrustedRoot is not null) WriteWarning($"A daemon answers at {ResolvedEndpoint}: its own trusted root judges the log entries; -TrustedRoot applies when no daemon answers.");
        IReadOnlyList<string> used = [$"the daemon's trust ({ResolvedEndpoint})", .. local is null ? [] : local.Keys.Concat(local.Anchors).Select(d => d.Name)];
        WriteVerbose($"Verifying against {Describe(used)}.");
        foreach (var chunk in Chunks(files))
        {
            var documents = chunk.Select(f => new VerificationDocument { Name = f.Name, Content = System.Text.Encoding.UTF8.GetString(f.Content) }).ToArray();
            var request = new VerificationRequest { Documents = documents, Policy = Policy, TrustedKeys = local?.Keys ?? [], TrustAnchors = local?.Anchors ?? [] };
            var results = InvokeForItem((c, _, ct) => c.Verify.VerifyAsync(request, ct), chunk[0].Name);
            if (results is null) { _allVerified = false; continue; }
            Emit(results.Select(r => r with { TrustSources = used }));
        }
    }

    private static string Describe(IReadOnlyList<string> sources) => sources.Count switch
    {
        1 => sources[0],
        _ => string.Join(", ", sources.Take(sources.Count - 1)) + " and " + sources[^1],
    };

    /// <summary>Files per call: at most 64, and about 2 MiB of JSON, well under the daemon's 4 MiB frame.</summary>
    private static IEnumerable<List<(string Name, byte[] Content)>> Chunks(List<(string Name, byte[] Content)> files)
    {
        var chunk = new List<(string Name, byte[] Content)>();
        var bytes = 0L;
        foreach (var f in files)
        {
            if (chunk.Count > 0 && (chunk.Count == 64 || bytes + f.Content.Length > 2 * 1024 * 1024)) { yield return chunk; chunk = []; bytes = 0; }
            chunk.Add(f);
            bytes += f.Content.Length;
        }
        if (chunk.Count > 0) yield return chunk;
    }

    /// <summary>
    /// Null when a daemon answers at the endpoint (its connection is then cached for the calls that follow); otherwise
    /// why not. Unlike every other call here, a daemon that cannot be reached does not end the command.
    /// </summary>
    private string? UnreachableDaemon()
    {
        // Started on the pipeline thread: the connection cache is per runspace.
        var connecting = ConnectionCache.GetWithOriginAsync(Endpoint, StopToken);
        try
        {
            connecting.Wait(StopToken);
            return null;
        }
        catch (OperationCanceledException) when (StopToken.IsCancellationRequested)
        {
            throw new PipelineStoppedException();
        }
        catch (AggregateException ex)
        {
            var why = OpsClient.Translate(ex.InnerException ?? ex, ResolvedEndpoint);
            return why is OpsException ops ? ops.Message : why.Message;
        }
    }

    private void Emit(IEnumerable<AttestationVerification> results)
    {
        foreach (var r in results)
        {
            var written = Written(r);
            if (written is not null) WriteObject(written);
            if (Failure(r) is { } error) WriteError(ErrorMapping.ToErrorRecord(error.ToException(), (object?)written ?? r.Source));
        }
    }

    /// <summary>Narrates a result's checks (-Verbose) and counts it; the result to write, or null with -Quiet or when nothing was verified.</summary>
    private AttestationVerification? Written(AttestationVerification r)
    {
        if (!r.Verified) _allVerified = false;
        if (r.Error is not null) return null;
        if (VerboseWanted)
        {
            foreach (var check in r.Checks)
                WriteVerbose($"{r.Source}: {check.Name}: {check.Status.ToString().ToLowerInvariant()}{(check.Reason.Length > 0 ? " - " + check.Reason : "")}");
            WriteVerbose($"{r.Source}: signing time {r.SigningTime:u} from {r.SigningTimeSource} ({r.SigningTimeDetail})");
        }
        return Quiet ? null : r;
    }

    /// <summary>The item's error: the daemon's (an unknown id), or the failed verification as a SecurityError; none with -Quiet.</summary>
    private OpsError? Failure(AttestationVerification r) => Quiet ? null : r.Error ?? (r.Verified ? null : VerificationErrors.ToOpsError(r));
}
