using StellaOps.Ops.Attestation.Sigstore;
using StellaOps.Ops.Transparency.Clients;
using StellaOps.Ops.Transparency.Notes;

namespace StellaOps.Ops.Transparency.Tail;

/// <summary>
/// What a tail read: the trusted log whose key signed the head, the verified head checkpoint and its signed note as the
/// log served it (to keep as the next read's anchor), the size of the largest tree it was proved consistent with (null:
/// none was known), and the entries <see cref="From"/> … <see cref="To"/> − 1, each
/// included in the head.
/// </summary>
public sealed record LogTailResult(TransparencyLogInstance Log, Checkpoint Head, string HeadNote, long? ConsistentWithSize, long From, long To, IReadOnlyList<LogRead> Entries);
