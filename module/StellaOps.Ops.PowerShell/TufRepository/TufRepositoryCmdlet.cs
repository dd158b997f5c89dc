using System.Management.Automation;
using System.Runtime.InteropServices;
using StellaOps.Ops.Contracts;
using StellaOps.Ops.Contracts.Unix;
using StellaOps.Ops.PowerShell.Pipeline;
using StellaOps.Ops.Tuf;
using TufRepo = StellaOps.Ops.Tuf.Repository.TufRepository;
using StellaOps.Ops.Tuf.Repository;

namespace StellaOps.Ops.PowerShell.TufRepository;

/// <summary>
/// Base of the TUF repository cmdlets: they work on a directory with no daemon (an air-gapped ceremony machine).
/// Passwords never come from the command line: from a prompt (SecureString), or from the environment variable or
/// file a parameter names (scripts). Online keys: STELLA_TUF_ONLINE_PASSWORD or STELLA_TUF_ONLINE_PASSWORD_FILE by default.
/// </summary>
public abstract class TufRepositoryCmdlet : PSCmdlet
{
    public const string OnlinePasswordVariable = "STELLA_TUF_ONLINE_PASSWORD";
    public const string RootPasswordVariable = "STELLA_TUF_ROOT_PASSWORD";

    /// <summary>The repository directory (default: the current directory).</summary>
    [Parameter]
    [Alias("Repository")]
    [ValidateNotNullOrEmpty]
    public string? Repo { get; set; }

    /// <summary>The name of an environment variable holding the root key password (scripts).</summary>
    [Parameter]
    [ValidateNotNullOrEmpty]
    public string? PasswordEnvironmentVariable { get; set; }

    /// <summary>A file holding the root key password; it must be readable by you only.</summary>
    [Parameter]
    [ValidateNotNullOrEmpty]
    public string? PasswordFile { get; set; }

    /// <summary>A file holding the online keys' password (default: $env:STELLA_TUF_ONLINE_PASSWORD_FILE, then $env:STELLA_TUF_ONLINE_PASSWORD).</summary>
    [Parameter]
    [ValidateNotNullOrEmpty]
    public string? OnlinePasswordFile { get; set; }

    protected string RepoPath => GetUnresolvedProviderPathFromPSPath(Repo ?? SessionState.Path.CurrentFileSystemLocation.ProviderPath);

    protected TufRepo OpenRepository() => TufRepo.Open(RepoPath);

    protected string ResolvePath(string path) => GetUnresolvedProviderPathFromPSPath(path);

    /// <summary>The root password for <paramref name="holder"/>: the named variable or file, else $env:STELLA_TUF_ROOT_PASSWORD, else a prompt (null when <paramref name="prompt"/> is false).</summary>
    protected char[]? RootPassword(string holder, bool prompt = true) =>
        FromSources(PasswordEnvironmentVariable, PasswordFile, RootPasswordVariable, null)
        ?? (prompt ? Prompt($"Password for root key of {holder}") : null);

    protected char[] OnlinePassword() =>
        FromSources(null, OnlinePasswordFile, OnlinePasswordVariable, OnlinePasswordVariable + "_FILE")
        ?? Prompt("Password for the online keys (timestamp, snapshot, targets)");

    protected Func<string, ITufSigner> OnlineSigners(TufRepo repo)
    {
        var password = OnlinePassword();
        var cache = new Dictionary<string, ITufSigner>(StringComparer.Ordinal);
        return role => cache.TryGetValue(role, out var s) ? s : cache[role] = repo.LoadOnlineKey(role, password);
    }

    /// <summary>A secret from the named variable, else the named file, else the default file variable, else the default variable; null when none is set.</summary>
    /// <param name="missing">The refusal for a named source that is empty or absent (default: no password).</param>
    protected char[]? FromSources(string? variable, string? file, string defaultVariable, string? defaultFileVariable, Func<string, OpsException>? missing = null)
    {
        missing ??= TufRepositoryErrors.PasswordMissing;
        if (variable is not null)
            return Environment.GetEnvironmentVariable(variable) is { Length: > 0 } v ? v.ToCharArray() : throw missing($"${variable} (empty or not set)");
        var path = file is not null ? ResolvePath(file) : defaultFileVariable is not null ? Environment.GetEnvironmentVariable(defaultFileVariable) : null;
        if (path is { Length: > 0 })
        {
            if (!OperatingSystem.IsWindows() && PathTrust.ForThisProcess().CheckFile(path, secret: true) is { } problem)
                throw new OpsException(OpsErrorCode.UntrustedPath, $"The password file {problem.Path} is refused: {problem.Reason}.", problem.Path, problem.Fix);
            if (!File.Exists(path)) throw missing($"{path} (no such file)");
            return File.ReadAllText(path).TrimEnd('\r', '\n').ToCharArray();
        }
        return Environment.GetEnvironmentVariable(defaultVariable) is { Length: > 0 } d ? d.ToCharArray() : null;
    }

    protected char[] Prompt(string caption, Func<string, OpsException>? missing = null)
    {
        missing ??= TufRepositoryErrors.PasswordMissing;
        if (!Environment.UserInteractive || Host.UI is null || Host.Name == "Default Host") throw missing(caption);
        Host.UI.Write(caption + ": ");
        using var secure = Host.UI.ReadLineAsSecureString();
        if (secure is null || secure.Length == 0) throw missing(caption);
        var ptr = Marshal.SecureStringToGlobalAllocUnicode(secure);
        try
        {
            var chars = new char[secure.Length];
            Marshal.Copy(ptr, chars, 0, chars.Length);
            return chars;
        }
        finally
        {
            Marshal.ZeroFreeGlobalAllocUnicode(ptr);
        }
    }

    /// <summary>Runs <paramref name="body"/>, turning a refusal into a terminating ErrorRecord with its stable id and what to do.</summary>
    protected void Run(Func<Task> body)
    {
        try
        {
            new PipelineThread().Run(body);
        }
        catch (OpsException e)
        {
            ThrowTerminatingError(ErrorMapping.ToErrorRecord(e));
        }
        catch (ArgumentException e)
        {
            ThrowTerminatingError(new ErrorRecord(e, "TufRepositoryInvalidArgument", ErrorCategory.InvalidArgument, null));
        }
    }

    protected void Run(Action body) => Run(() => { body(); return Task.CompletedTask; });

    /// <summary>Re-signs targets, snapshot and timestamp after a target edit (the scripts' "and re-signs").</summary>
    protected Task<TufSignResult> ResignOnlineAsync(TufRepo repo) => repo.SignAsync([], OnlineSigners(repo));
}
