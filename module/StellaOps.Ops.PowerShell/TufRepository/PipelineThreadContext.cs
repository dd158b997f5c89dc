using System.Collections.Concurrent;

namespace StellaOps.Ops.PowerShell.TufRepository;

/// <summary>
/// Runs a cmdlet's async body on the pipeline thread: its awaits resume here (WriteObject and WriteError may only be
/// called from that thread), while library code awaiting with ConfigureAwait(false), such as token I/O, runs elsewhere.
/// </summary>
internal sealed class PipelineThreadContext : SynchronizationContext
{
    private readonly BlockingCollection<(SendOrPostCallback Callback, object? State)> _queue = new();

    public override void Post(SendOrPostCallback d, object? state) => _queue.Add((d, state));

    public override void Send(SendOrPostCallback d, object? state) => throw new NotSupportedException("Synchronous Send to the pipeline thread is not supported.");

    /// <summary>Runs <paramref name="body"/> and every continuation it posts here until it completes.</summary>
    public static void Run(Func<Task> body)
    {
        var previous = Current;
        var context = new PipelineThreadContext();
        SetSynchronizationContext(context);
        try
        {
            var task = body();
            task.ContinueWith(_ => context._queue.CompleteAdding(), TaskScheduler.Default);
            foreach (var (callback, state) in context._queue.GetConsumingEnumerable()) callback(state);
            task.GetAwaiter().GetResult();
        }
        finally
        {
            SetSynchronizationContext(previous);
            context._queue.Dispose();
        }
    }
}
