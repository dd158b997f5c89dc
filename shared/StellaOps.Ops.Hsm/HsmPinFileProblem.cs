namespace StellaOps.Ops.Hsm;

public enum HsmPinFileProblem
{
    /// <summary>The PIN file's directory is owned by someone else or writable by others.</summary>
    UntrustedDirectory,
    /// <summary><c>&lt;file&gt;.new</c> exists already (a planted name, or an interrupted change).</summary>
    StagingFileExists,
    /// <summary>Writing the new PIN failed (disk full, read-only, …).</summary>
    WriteFailed,
}
