namespace StellaOps.Ops.Daemon.Ipc;

/// <summary>A local endpoint that hands over connected streams with the identity the OS vouches for.</summary>
public interface IConnectionListener : IAsyncDisposable
{
    string Endpoint { get; }

    /// <summary>Creates the endpoint with its permissions. Throws if another daemon is already serving it.</summary>
    void Start();

    Task<AcceptedConnection> AcceptAsync(CancellationToken cancellationToken);
}
