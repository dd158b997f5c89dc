using System.Management.Automation;
using Microsoft.PowerShell.Commands;
using StellaOps.Ops.Contracts.Rpc;

namespace StellaOps.Ops.PowerShell.TrustSync;

/// <summary>The trust-sync cmdlets' shared parts: a file path the caller names (file system only), and the daemon's warnings.</summary>
public abstract class TrustSyncCmdlet : StellaCmdlet
{
    /// <summary>The file system path of <paramref name="path"/> (relative to the current location); anything else ends the command.</summary>
    protected string FileSystemPath(string path, string parameter, bool mustExist)
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

    /// <summary>Reads a file of at most <paramref name="maxLength"/> bytes with the caller's own permissions.</summary>
    protected byte[] ReadFile(string full, string parameter, long maxLength)
    {
        if (new FileInfo(full).Length > maxLength)
            ThrowTerminatingError(new ErrorRecord(new ArgumentException($"'{full}' is larger than {maxLength} bytes (-{parameter})."), "FileTooLarge", ErrorCategory.LimitsExceeded, full));
        try
        {
            return File.ReadAllBytes(full);
        }
        catch (Exception ex) when (ex is IOException or UnauthorizedAccessException)
        {
            ThrowTerminatingError(new ErrorRecord(ex, "FileUnreadable", ErrorCategory.ReadError, full));
            throw; // unreachable
        }
    }

    /// <summary>Writes the result's warnings (stale metadata in use, a first sync that failed) and what changed, then the result.</summary>
    protected void WriteResult(TrustSyncResult result)
    {
        foreach (var w in result.Warnings) WriteWarning(w);
        foreach (var r in result.Roles.Where(r => r.Changed)) WriteVerbose($"{r.Role}: {r}");
        foreach (var c in result.MaterialChanges) WriteVerbose(c);
        WriteObject(result);
    }
}
