using System.Management.Automation;
using StellaOps.Ops.PowerShell.Pipeline;

namespace StellaOps.Ops.PowerShell.Tests;

/// <summary>
/// The one way a cmdlet waits for async work (<see cref="PipelineThread"/>): what other threads post runs on the
/// waiting thread (where PowerShell allows writes), a body's awaits resume there, Ctrl+C ends a wait for work that
/// never finishes, and a progress sink whose wait is over drops later reports.
/// </summary>
public sealed class PipelineThreadTests
{
    [Fact]
    public void Reports_posted_from_other_threads_run_on_the_waiting_thread_before_the_wait_returns()
    {
        var thread = new PipelineThread();
        var waiting = Environment.CurrentManagedThreadId;
        var ranOn = new List<int>();
        using var progress = thread.Progress<int>(_ => ranOn.Add(Environment.CurrentManagedThreadId));

        var result = thread.Wait(Task.Run(async () =>
        {
            for (var i = 0; i < 5; i++)
            {
                progress.Report(i);
                await Task.Delay(10);
            }
            progress.Report(5);
            return "done";
        }), CancellationToken.None);

        Assert.Equal("done", result);
        Assert.Equal(6, ranOn.Count);
        Assert.All(ranOn, id => Assert.Equal(waiting, id));
    }

    [Fact]
    public void Stop_ends_the_wait_for_work_that_never_finishes()
    {
        var thread = new PipelineThread();
        using var stop = new CancellationTokenSource();
        var never = new TaskCompletionSource<int>();
        stop.CancelAfter(TimeSpan.FromMilliseconds(100));

        Assert.Throws<PipelineStoppedException>(() => thread.Wait(never.Task, stop.Token));
        Assert.False(never.Task.IsCompleted);
    }

    [Fact]
    public void Work_cancelled_by_the_stop_is_a_stopped_pipeline_and_its_own_failures_come_through_as_they_are()
    {
        var thread = new PipelineThread();
        using var stop = new CancellationTokenSource();
        stop.Cancel();
        Assert.Throws<PipelineStoppedException>(() => thread.Wait(Task.FromCanceled<int>(stop.Token), stop.Token));

        var failed = Assert.Throws<InvalidOperationException>(() => thread.Wait(Task.FromException<int>(new InvalidOperationException("its own")), CancellationToken.None));
        Assert.Equal("its own", failed.Message);
    }

    [Fact]
    public void A_body_resumes_on_the_pipeline_thread_after_each_await_and_runs_to_its_end()
    {
        var thread = new PipelineThread();
        var waiting = Environment.CurrentManagedThreadId;
        var resumedOn = new List<int>();

        thread.Run(async () =>
        {
            await Task.Delay(10);
            resumedOn.Add(Environment.CurrentManagedThreadId);
            await Task.Run(() => Thread.Sleep(10));
            resumedOn.Add(Environment.CurrentManagedThreadId);
        });

        Assert.Equal([waiting, waiting], resumedOn);
        Assert.NotEqual(typeof(PipelineThread), SynchronizationContext.Current?.GetType());
    }

    [Fact]
    public void A_progress_sink_whose_wait_is_over_drops_later_reports()
    {
        var thread = new PipelineThread();
        var seen = new List<int>();
        var progress = thread.Progress<int>(seen.Add);
        progress.Report(1);
        thread.RunPosted();
        progress.Report(2); // posted, not yet run
        progress.Dispose();
        progress.Report(3);
        thread.RunPosted();

        Assert.Equal([1], seen);
    }
}
