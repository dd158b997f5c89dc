namespace StellaOps.Ops.Daemon.Ipc;

/// <summary>A local endpoint that hands over connected streams with the identity the OS vouches for.</summary>
public interface IConnectionListener : IAsyncDisposable
{
    string Endpoint { get; }

    /// <summary>Creates the endpoint with its permissions. Throws if another daemon is already serving it.</summary>
    void Start();

    Task<AcceptedConnection> AcceptAsync(CancellationToken cancellationToken);
}

/// <summary>
/// A connected client: its stream and its raw OS credentials. Where the platform decides the role itself
/// (Windows tokens), <see cref="Resolved"/> carries it and the Unix group logic is skipped.
/// </summary>
public sealed record AcceptedConnection(Stream Stream, int ProcessId, uint UserId, uint GroupId, IReadOnlyList<uint> Groups)
{
    public StellaOps.Ops.Contracts.CallerIdentity? Resolved { get; init; }
}
