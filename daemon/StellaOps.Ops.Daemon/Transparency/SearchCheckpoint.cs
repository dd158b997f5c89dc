namespace StellaOps.Ops.Daemon.Transparency;

/// <summary>
/// A checkpoint a log search verified for one backend and log (key), kept as the next search's anchor (the newest) and
/// as a mark of where later windows may begin: origin, size, root, the signed note as the log served it, and when this daemon first verified a checkpoint of that size (every entry below
/// <see cref="Size"/> was in the log by then).
/// </summary>
public sealed record SearchCheckpoint(string Backend, byte[] LogId, string Origin, long Size, byte[] Root, string Note, DateTimeOffset VerifiedAt);
