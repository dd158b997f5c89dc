using System.Management.Automation;
using Microsoft.PowerShell.Commands;

namespace StellaOps.Ops.PowerShell.Trust;

/// <summary>The trust cmdlets' one way to resolve a file the caller names (a PowerShell path, file system only) and to read a PEM file, size-capped.</summary>
public abstract class TrustCmdlet : StellaCmdlet
{
    /// <summary>The file system path <paramref name="path"/> names (relative to the current location); anything else, or a missing file when <paramref name="mustExist"/>, ends the command.</summary>
    protected string ResolveFile(string path, string parameter, bool mustExist)
    {
        string full;
        try
        {
            full = SessionState.Path.GetUnresolvedProviderPathFromPSPath(path, out var provider, out _);
            if (provider.ImplementingType != typeof(FileSystemProvider))
                ThrowTerminatingError(new ErrorRecord(new ArgumentException($"'{path}' is not a file system path (-{parameter})."), "NotAFileSystemPath", ErrorCategory.InvalidArgument, path));
        }
        catch (Exception ex) when (ex is System.Management.Automation.DriveNotFoundException or ProviderNotFoundException or ItemNotFoundException or NotSupportedException or ArgumentException)
        {
            ThrowTerminatingError(new ErrorRecord(ex, "PathNotFound", ErrorCategory.ObjectNotFound, path));
            throw; // unreachable
        }
        if (mustExist && !File.Exists(full))
            ThrowTerminatingError(new ErrorRecord(new ItemNotFoundException($"Cannot find the file '{full}' (-{parameter})."), "PathNotFound", ErrorCategory.ObjectNotFound, full));
        return full;
    }

    /// <summary>
    /// The text of the PEM file at <paramref name="path"/>, read with the caller's own permissions (the daemon never
    /// opens it). A path that is not a readable file of at most <paramref name="maxLength"/> characters ends the command.
    /// </summary>
    protected string ReadPem(string path, string parameter, int maxLength)
    {
        var full = ResolveFile(path, parameter, mustExist: true);
        if (new FileInfo(full).Length > maxLength)
            ThrowTerminatingError(new ErrorRecord(new ArgumentException($"'{full}' is larger than {maxLength / 1024} KiB; -{parameter} takes a PEM file of certificates or a public key."), "PemFileTooLarge", ErrorCategory.LimitsExceeded, full));
        try
        {
            return File.ReadAllText(full);
        }
        catch (Exception ex) when (ex is IOException or UnauthorizedAccessException)
        {
            ThrowTerminatingError(new ErrorRecord(ex, "PemFileUnreadable", ErrorCategory.ReadError, full));
            throw; // unreachable
        }
    }

    /// <summary>Writes each warning the daemon attached to an answer (an intermediate that chains to no anchor yet).</summary>
    protected void WriteWarnings(IEnumerable<string> warnings)
    {
        foreach (var w in warnings) WriteWarning(w);
    }
}
