namespace StellaOps.Ops.Daemon.Ipc;

/// <summary>
/// A connected client: its stream and its raw OS credentials. Where the platform decides the role itself
/// (Windows tokens), <see cref="Resolved"/> carries it and the Unix group logic is skipped.
/// </summary>
public sealed record AcceptedConnection(Stream Stream, int ProcessId, uint UserId, uint GroupId, IReadOnlyList<uint> Groups)
{
    public StellaOps.Ops.Contracts.CallerIdentity? Resolved { get; init; }
}
