using System.Collections;
using System.Management.Automation;
using StellaOps.Ops.Contracts;
using StellaOps.Ops.Contracts.Client;
using StellaOps.Ops.Contracts.Rpc;
using StellaOps.Ops.PowerShell.Keys;
using StellaOps.Ops.PowerShell.Pipeline;

namespace StellaOps.Ops.PowerShell.Signing;

/// <summary>
/// Invoke-StellaSign: raw signatures with the attestor's signing key (or -KeyId) over digests, files or bytes.
/// Pipeline input streams through a <see cref="RequestPipeline{TRequest, TAnswer}"/>: batches of signing.Sign calls
/// without waiting for each answer, answers written in input order as they arrive.
/// </summary>
/// <remarks>
/// SupportsShouldProcess although nothing in the daemon changes: a signature with the organisation's key cannot be
/// taken back once it exists, the RPC is Operator-only and audited like the mutating ones, and -WhatIf lets a
/// runbook author see which key would sign what. ConfirmImpact is Low, so it never prompts by default.
/// </remarks>
[Cmdlet(VerbsLifecycle.Invoke, "StellaSign", DefaultParameterSetName = DigestSet, SupportsShouldProcess = true, ConfirmImpact = ConfirmImpact.Low)]
[OutputType(typeof(StellaSignature))]
public sealed class InvokeStellaSignCommand : StellaCmdlet
{
    private const string DigestSet = "Digest";
    private const string PathSet = "Path";
    private const string LiteralPathSet = "LiteralPath";
    private const string InputObjectSet = "InputObject";

    private RequestPipeline<SignRequest, SignResult>? _pipeline;
    private KeyInfo? _key;

    [Parameter(Mandatory = true, Position = 0, ParameterSetName = DigestSet, ValueFromPipeline = true, ValueFromPipelineByPropertyName = true)]
    [Alias("Hash")]
    [ValidateNotNullOrEmpty]
    public string[] Digest { get; set; } = [];

    [Parameter(Mandatory = true, ParameterSetName = PathSet)]
    [ValidateNotNullOrEmpty]
    public string[] Path { get; set; } = [];

    [Parameter(Mandatory = true, ParameterSetName = LiteralPathSet, ValueFromPipelineByPropertyName = true)]
    [Alias("PSPath", "LP")]
    [ValidateNotNullOrEmpty]
    public string[] LiteralPath { get; set; } = [];

    /// <summary>A byte[] or a string (signed as UTF-8), or a collection of them.</summary>
    [Parameter(Mandatory = true, ParameterSetName = InputObjectSet)]
    [ValidateNotNull]
    public object InputObject { get; set; } = null!;

    [Parameter]
    [ValidateNotNullOrEmpty]
    [ArgumentCompleter(typeof(KeyIdCompleter))]
    public string? KeyId { get; set; }

    protected override void ProcessRecord()
    {
        switch (ParameterSetName)
        {
            case DigestSet:
                foreach (var d in Digest)
                    Add(new SignRequest { Digest = d, KeyId = KeyId }, d);
                break;
            case PathSet:
            case LiteralPathSet:
                foreach (var file in ResolveFiles(ParameterSetName == PathSet ? Path : LiteralPath, literal: ParameterSetName == LiteralPathSet))
                    AddFile(file);
                break;
            default:
                AddInputObject();
                break;
        }
    }

    protected override void EndProcessing()
    {
        _pipeline?.Complete();
        base.EndProcessing();
    }

    private RequestPipeline<SignRequest, SignResult> Pipeline() => _pipeline ??= new(this,
        (c, requests, _, ct) => c.Signing.SignAsync(requests, ct),
        r => r.Error,
        (r, source) => r.Error is not null ? null
            : new StellaSignature { Signature = r.Signature!, KeyId = r.KeyId, Algorithm = r.Algorithm, Digest = r.Digest, Source = (string)source });

    private void Add(SignRequest request, string source)
    {
        if (!ShouldProcess(source, $"Sign with key {request.KeyId ?? "the attestor's signing key (attest.signing.key_id)"}")) return;
        // Base64 on the wire for data.
        Pipeline().Add(request, source, (request.Data?.Length ?? 0) / 3 * 4 + (request.Digest?.Length ?? 0) + (request.KeyId?.Length ?? 0));
    }

    /// <summary>An input that cannot be signed: its error comes in its place among the answers.</summary>
    private void Fail(ErrorRecord error) => Pipeline().AddFailure(error);

    private void AddFile(string file)
    {
        SignRequest request;
        try
        {
            request = SignPayload.ForFile(file, Key());
        }
        catch (Exception ex) when (ex is IOException or UnauthorizedAccessException)
        {
            Fail(new ErrorRecord(ex, "FileReadFailed", ErrorCategory.ReadError, file));
            return;
        }
        Add(request, file);
    }

    private void AddInputObject()
    {
        var value = InputObject is PSObject pso ? pso.BaseObject : InputObject;
        var items = value is byte[] or string ? [value] : value is IEnumerable many ? many.Cast<object?>().ToList() : [value];
        for (var i = 0; i < items.Count; i++)
        {
            var item = items[i] is PSObject p ? p.BaseObject : items[i];
            var source = items.Count == 1 ? "InputObject" : $"InputObject[{i}]";
            byte[]? bytes = item switch
            {
                byte[] b => b,
                string s => System.Text.Encoding.UTF8.GetBytes(s),
                _ => null,
            };
            if (bytes is null)
            {
                Fail(ErrorMapping.ToErrorRecord(OpsException.InvalidArgument($"-InputObject takes byte[] or string values; {source} is {item?.GetType().Name ?? "null"}.", source,
                    "Pass bytes (e.g. [IO.File]::ReadAllBytes(...)) or text, or use -Path for files and -Digest for digests."), source));
                continue;
            }
            Add(SignPayload.ForBytes(bytes, Key()), $"{source} ({bytes.Length} bytes)");
        }
    }

    /// <summary>Files only, through PowerShell's path resolution (wildcards for -Path, none for -LiteralPath); a missing or non-file path is an error for that path alone.</summary>
    private List<string> ResolveFiles(string[] paths, bool literal)
    {
        var files = new List<string>();
        foreach (var p in paths)
        {
            try
            {
                ProviderInfo provider;
                var resolved = literal
                    ? [SessionState.Path.GetUnresolvedProviderPathFromPSPath(p, out provider, out _)]
                    : GetResolvedProviderPathFromPSPath(p, out provider);
                if (provider.Name != "FileSystem")
                {
                    Fail(new ErrorRecord(new ArgumentException($"'{p}' is not a file system path (provider {provider.Name}); Invoke-StellaSign signs files."),
                        "NotAFileSystemPath", ErrorCategory.InvalidArgument, p));
                    continue;
                }
                foreach (var r in resolved)
                {
                    if (File.Exists(r)) files.Add(r);
                    else if (Directory.Exists(r))
                        Fail(new ErrorRecord(new ArgumentException($"'{r}' is a directory; Invoke-StellaSign signs files (Get-ChildItem -File -Recurse | Invoke-StellaSign)."),
                            "PathIsDirectory", ErrorCategory.InvalidArgument, r));
                    else
                        Fail(new ErrorRecord(new ItemNotFoundException($"Cannot find file '{r}'."), "PathNotFound", ErrorCategory.ObjectNotFound, r));
                }
            }
            catch (Exception ex) when (ex is ItemNotFoundException or System.Management.Automation.DriveNotFoundException or ProviderNotFoundException)
            {
                Fail(new ErrorRecord(ex, "PathNotFound", ErrorCategory.ObjectNotFound, p));
            }
        }
        return files;
    }

    /// <summary>The key that signs, asked once: files and bytes are hashed (or not, for Ed25519) to suit it.</summary>
    private KeyInfo Key()
    {
        if (_key is not null) return _key;
        try
        {
            return _key = Invoke((c, _, ct) => c.Signing.GetKeyAsync(KeyId, ct));
        }
        catch (OpsException ex)
        {
            ThrowOpsError(ex, KeyId);
            throw; // unreachable
        }
    }
}
