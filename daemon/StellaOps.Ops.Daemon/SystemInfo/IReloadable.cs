namespace StellaOps.Ops.Daemon.SystemInfo;

/// <summary>A capability that re-reads its settings on <c>stella attest reload</c> (Invoke-StellaReload).</summary>
public interface IReloadable
{
    Task ReloadAsync(CancellationToken cancellationToken);
}
