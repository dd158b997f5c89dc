using System.Collections.Concurrent;
using System.Management.Automation;

namespace StellaOps.Ops.PowerShell.Pipeline;

/// <summary>
/// The one way a cmdlet waits for async work. PowerShell allows WriteObject, WriteError and WriteProgress only on the
/// pipeline thread (the cmdlet's own), so that thread waits here and runs, as they arrive, the callbacks other threads
/// post to it: progress reports (<see cref="Progress{T}"/>) and, for a body run with <see cref="Run"/>, the
/// continuations of its awaits. Ctrl+C ends a wait for a daemon's answer at once with
/// <see cref="PipelineStoppedException"/>, even when the daemon does not answer: the call hears it through the
/// cmdlet's stop token ($/cancelRequest) and ends on its own.
/// </summary>
internal sealed class PipelineThread : SynchronizationContext
{
    private readonly ConcurrentQueue<(SendOrPostCallback Callback, object? State)> _posted = new();
    private readonly AutoResetEvent _arrived = new(false);

    /// <summary>Queues <paramref name="d"/> to run on the pipeline thread at its next wait (or <see cref="RunPosted"/>).</summary>
    public override void Post(SendOrPostCallback d, object? state)
    {
        _posted.Enqueue((d, state));
        _arrived.Set();
    }

    public override void Send(SendOrPostCallback d, object? state) => throw new NotSupportedException("Work cannot wait for the pipeline thread: post to it instead.");

    /// <summary>A progress sink whose reports run <paramref name="handler"/> on the pipeline thread, until it is disposed.</summary>
    public ProgressSink<T> Progress<T>(Action<T> handler) => new(this, handler);

    /// <summary>Runs what other threads posted so far (between waits: a streaming cmdlet's progress as input arrives).</summary>
    public void RunPosted()
    {
        while (_posted.TryDequeue(out var item)) item.Callback(item.State);
    }

    /// <summary>
    /// Waits for <paramref name="task"/> on the pipeline thread, running what is posted meanwhile; returns its result
    /// or throws its exception. <paramref name="stop"/> (the cmdlet's Ctrl+C) ends the wait at once.
    /// </summary>
    public T Wait<T>(Task<T> task, CancellationToken stop)
    {
        Wait((Task)task, stop);
        return task.GetAwaiter().GetResult();
    }

    /// <inheritdoc cref="Wait{T}(Task{T}, CancellationToken)"/>
    public void Wait(Task task, CancellationToken stop)
    {
        var handles = new[] { ((IAsyncResult)task).AsyncWaitHandle, _arrived, stop.WaitHandle };
        while (!task.IsCompleted)
        {
            WaitHandle.WaitAny(handles);
            RunPosted();
            if (stop.IsCancellationRequested) throw new PipelineStoppedException();
        }
        RunPosted();
        try
        {
            task.GetAwaiter().GetResult();
        }
        catch (OperationCanceledException) when (stop.IsCancellationRequested)
        {
            throw new PipelineStoppedException();
        }
    }

    /// <summary>
    /// Runs an async <paramref name="body"/> whose awaits resume on the pipeline thread, so it may write as it goes;
    /// library code it awaits with ConfigureAwait(false) (file and network I/O) runs on the thread pool meanwhile.
    /// The body runs to its end, so a change it makes is never abandoned halfway: Ctrl+C stops it at its next write
    /// (PowerShell throws <see cref="PipelineStoppedException"/> there).
    /// </summary>
    public void Run(Func<Task> body)
    {
        var previous = Current;
        SetSynchronizationContext(this);
        try
        {
            Wait(body(), CancellationToken.None);
        }
        finally
        {
            SetSynchronizationContext(previous);
        }
    }

    /// <summary>Reports posted to the pipeline thread; once disposed (its wait is over), later reports are dropped.</summary>
    public sealed class ProgressSink<T>(PipelineThread thread, Action<T> handler) : IProgress<T>, IDisposable
    {
        private volatile bool _closed;

        public void Report(T value)
        {
            if (!_closed) thread.Post(_ => { if (!_closed) handler(value); }, null);
        }

        public void Dispose() => _closed = true;
    }
}
