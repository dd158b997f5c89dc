using System.Management.Automation;
using StellaOps.Ops.Contracts.Rpc;

namespace StellaOps.Ops.PowerShell.TrustSync;

/// <summary>The trust-sync cmdlets' shared parts: files the caller names (resolved as the trust cmdlets do), and the daemon's warnings.</summary>
public abstract class TrustSyncCmdlet : Trust.TrustCmdlet
{
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
