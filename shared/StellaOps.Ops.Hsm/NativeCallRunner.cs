using System.Diagnostics;

namespace StellaOps.Ops.Hsm;

/// <summary>
/// Runs native PKCS#11 calls on dedicated worker threads under a deadline. A call that does not finish in time is
/// abandoned: the caller gets <see cref="HsmErrorKind.Timeout"/> and the worker stays blocked in native code until
/// the module returns (a SIGSTOPped p11-kit server may never return). Workers are reused and retire when idle.
/// </summary>
/// <remarks>Dedicated threads rather than the thread pool, so hung calls never starve the pool.</remarks>
internal static class NativeCallRunner
{
    private static readonly object Lock = new();
    private static readonly List<Worker> Idle = [];
    private static readonly TimeSpan IdleRetire = TimeSpan.FromSeconds(30);
    private static long _busy;
    private static long _abandoned;
    private static long _created;

    /// <summary>Workers currently executing a call (including abandoned ones still stuck in native code).</summary>
    public static long BusyWorkers => Interlocked.Read(ref _busy);
    /// <summary>Calls abandoned after their deadline since process start.</summary>
    public static long AbandonedCalls => Interlocked.Read(ref _abandoned);
    public static long CreatedWorkers => Interlocked.Read(ref _created);

    /// <summary>
    /// Runs <paramref name="call"/> on a worker. Throws <see cref="HsmException"/> (Timeout) after
    /// <paramref name="deadline"/>; <see cref="OperationCanceledException"/> on cancellation (the call keeps running
    /// to completion on its worker). <paramref name="onAbandoned"/> runs when the deadline passes.
    /// </summary>
    public static async Task<T> RunAsync<T>(Func<T> call, TimeSpan deadline, string operation, string hsmName, CancellationToken cancellationToken = default, Action? onAbandoned = null)
    {
        var tcs = new TaskCompletionSource<T>(TaskCreationOptions.RunContinuationsAsynchronously);
        Rent().Post(() =>
        {
            try
            {
                tcs.TrySetResult(call());
            }
            catch (Exception e)
            {
                tcs.TrySetException(e);
            }
        });

        try
        {
            return await tcs.Task.WaitAsync(deadline, cancellationToken).ConfigureAwait(false);
        }
        catch (TimeoutException)
        {
            if (tcs.Task.IsCompleted)
            {
                return await tcs.Task.ConfigureAwait(false); // finished right at the deadline
            }

            Interlocked.Increment(ref _abandoned);
            onAbandoned?.Invoke();
            // Observe the eventual exception so it is not reported as unobserved.
            _ = tcs.Task.ContinueWith(static t => _ = t.Exception, TaskScheduler.Default);
            throw new HsmException(HsmErrorKind.Timeout,
                $"HSM '{hsmName}': {operation} did not finish within {deadline.TotalMilliseconds:0} ms. {Pkcs11ErrorClassifier.Advice(HsmErrorKind.Timeout)}",
                null, hsmName);
        }
    }

    private static Worker Rent()
    {
        lock (Lock)
        {
            if (Idle.Count > 0)
            {
                var w = Idle[^1];
                Idle.RemoveAt(Idle.Count - 1);
                return w;
            }
        }

        Interlocked.Increment(ref _created);
        return new Worker();
    }

    private static void Return(Worker w)
    {
        lock (Lock)
        {
            Idle.Add(w);
        }
    }

    private static bool TryRetire(Worker w)
    {
        lock (Lock)
        {
            return Idle.Remove(w);
        }
    }

    private sealed class Worker
    {
        private readonly object _gate = new();
        private Action? _work;

        public Worker()
        {
            var t = new Thread(Loop) { IsBackground = true, Name = "pkcs11-call" };
            t.Start();
        }

        public void Post(Action work)
        {
            lock (_gate)
            {
                Debug.Assert(_work is null);
                _work = work;
                Monitor.Pulse(_gate);
            }
        }

        private void Loop()
        {
            while (true)
            {
                Action work;
                lock (_gate)
                {
                    while (_work is null)
                    {
                        if (!Monitor.Wait(_gate, IdleRetire) && _work is null && TryRetire(this))
                        {
                            return;
                        }
                    }

                    work = _work;
                    _work = null;
                }

                Interlocked.Increment(ref _busy);
                try
                {
                    work();
                }
                finally
                {
                    Interlocked.Decrement(ref _busy);
                }

                Return(this);
            }
        }
    }
}
