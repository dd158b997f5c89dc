namespace StellaOps.Ops.Tuf.Repository;

/// <summary>What a publish wrote: the directory, the files copied (timestamp.json last) and the versions now served.</summary>
public sealed class TufPublishResult
{
    public required string Directory { get; init; }

    public List<string> FilesWritten { get; } = [];

    public Dictionary<string, long> Versions { get; } = new(StringComparer.Ordinal);

    /// <summary>A root still waiting for signatures, which was not published.</summary>
    public long? PendingRootNotPublished { get; set; }
}
