namespace StellaOps.Ops.Daemon.Transparency;

/// <summary>Wakes the drain when something was queued (it also polls, so a lost wake only delays).</summary>
public sealed class TransparencySignal
{
    private readonly SemaphoreSlim _wake = new(0, 1);

    public void Wake()
    {
        if (_wake.CurrentCount == 0)
        {
            try { _wake.Release(); }
            catch (SemaphoreFullException) { }
        }
    }

    public Task WaitAsync(TimeSpan timeout, CancellationToken cancellationToken) => _wake.WaitAsync(timeout, cancellationToken);
}
