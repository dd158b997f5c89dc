namespace StellaOps.Ops.Transparency.Tail;

/// <summary>
/// A tree of a log that the caller verified before (a checkpoint signed by the log's key), that the log's head must
/// extend: its size, root hash, what it is (as an inconsistency names it: "the checkpoint the last search verified"),
/// and the id of the log whose key signed it. A head signed by another key of the same URL (a rotated log, a new tree)
/// is another log: it is held to that log's trees only. A null log id holds for whichever key signs the head.
/// </summary>
public sealed record VerifiedTree(long Size, byte[] Root, string What, byte[]? LogId = null);
