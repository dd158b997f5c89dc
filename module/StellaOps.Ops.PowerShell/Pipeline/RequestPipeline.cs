using System.Management.Automation;
using StellaOps.Ops.Contracts;
using StellaOps.Ops.Contracts.Client;
using StellaOps.Ops.Contracts.Rpc;

namespace StellaOps.Ops.PowerShell.Pipeline;

/// <summary>
/// The one way a cmdlet streams pipeline input to the daemon (docs/architecture.md, "Pipeline cmdlets"). Requests
/// are cut into batches (<see cref="RequestPipelineLimits"/>: items, bytes); a full batch is sent without waiting
/// for its answer; at most <see cref="RequestPipelineLimits.MaxInFlight"/> batches are outstanding; answers are
/// written in input order as they arrive. Everything is written on the pipeline thread (the cmdlet's own), and
/// every wait ends at once on Ctrl+C (StopProcessing), even when the daemon does not answer.
/// </summary>
/// <remarks>
/// <para>One error policy for all of them. A call the daemon refuses as a whole, or a connection that is lost
/// (<see cref="ErrorMapping.EndsCommand"/>: PermissionDenied, Unauthorized, Unavailable, …), ends the command with
/// one terminating error: every later batch would only fail the same way. Any other failure belongs to items: an
/// answer whose <c>failure</c> selector gives an <see cref="OpsError"/> is one non-terminating error for that item,
/// a batch that failed as a whole is one error for each of its items, and an item the cmdlet could not even send
/// (<see cref="AddFailure"/>) is one error in its place in the input order.</para>
/// <para>A cmdlet plugs in with a <see cref="BatchCall{TRequest, TAnswer}"/>, the per-item failure selector and
/// what to write for an answer; ShouldProcess and turning input into requests stay in the cmdlet.</para>
/// </remarks>
public sealed class RequestPipeline<TRequest, TAnswer>
{
    private readonly StellaCmdlet _cmdlet;
    private readonly BatchCall<TRequest, TAnswer> _call;
    private readonly Func<TAnswer, OpsError?> _failure;
    private readonly Func<TAnswer, object, object?> _output;
    private readonly string? _progressActivity;
    private readonly RequestPipelineLimits _limits;
    private readonly Queue<Batch> _sent = new();
    private List<Entry> _filling = [];
    private int _fillingRequests;
    private int _fillingBytes;
    private bool _anySent;
    private OpsClient? _client;
    private ProgressRecord? _lastProgress;

    /// <param name="cmdlet">The cmdlet whose pipeline thread writes, whose connection is used and whose Ctrl+C stops the work.</param>
    /// <param name="call">The daemon call for one batch.</param>
    /// <param name="failure">The error an answer carries for its item, or null when it succeeded.</param>
    /// <param name="output">What to write for an answer (null: nothing), given the answer and the item's target; the
    /// written object is also the target of the item's error, if any. Runs on the pipeline thread.</param>
    /// <param name="progressActivity">When set, the daemon's progress is shown under this activity for a command
    /// whose input fits in one batch (sent at <see cref="Complete"/>).</param>
    public RequestPipeline(StellaCmdlet cmdlet, BatchCall<TRequest, TAnswer> call, Func<TAnswer, OpsError?> failure,
        Func<TAnswer, object, object?> output, string? progressActivity = null, RequestPipelineLimits? limits = null)
    {
        _cmdlet = cmdlet;
        _call = call;
        _failure = failure;
        _output = output;
        _progressActivity = progressActivity;
        _limits = limits ?? RequestPipelineLimits.Default;
    }

    /// <summary>
    /// Queues one request; <paramref name="target"/> is what its error and output are about (the subject, the file);
    /// <paramref name="bytes"/> roughly what it adds to the request's size. Writes the answers that have arrived.
    /// </summary>
    public void Add(TRequest request, object target, int bytes = 0)
    {
        _client ??= _cmdlet.Connection();
        if (_fillingRequests > 0 && _fillingBytes + bytes > _limits.BatchBytes) Send(withProgress: false);
        _filling.Add(new Entry(request, target, null));
        _fillingRequests++;
        _fillingBytes += Math.Max(0, bytes);
        if (_fillingRequests >= _limits.BatchItems || _fillingBytes >= _limits.BatchBytes) Send(withProgress: false);
        WriteArrived();
    }

    /// <summary>An item that failed before it could be sent (a file that cannot be read): its error comes in its place in the input order.</summary>
    public void AddFailure(ErrorRecord error)
    {
        if (_sent.Count == 0 && _filling.Count == 0)
        {
            _cmdlet.WriteError(error);
            return;
        }
        _filling.Add(new Entry(default, error.TargetObject ?? "", error));
    }

    /// <inheritdoc cref="AddFailure(ErrorRecord)"/>
    public void AddFailure(OpsException error, object target) => AddFailure(ErrorMapping.ToErrorRecord(error, target));

    /// <summary>Sends what is left and writes every answer (EndProcessing).</summary>
    public void Complete()
    {
        if (_filling.Count > 0) Send(withProgress: !_anySent && _progressActivity is not null);
        while (_sent.Count > 0) Write(_sent.Dequeue());
        if (_lastProgress is not null)
        {
            _lastProgress.RecordType = ProgressRecordType.Completed;
            _cmdlet.WriteProgress(_lastProgress);
            _lastProgress = null;
        }
    }

    private void Send(bool withProgress)
    {
        var entries = _filling;
        _filling = [];
        _fillingRequests = 0;
        _fillingBytes = 0;
        var requests = entries.Where(e => e.Failure is null).Select(e => e.Request!).ToArray();
        Task<TAnswer[]> answer;
        if (requests.Length == 0)
        {
            answer = Task.FromResult(Array.Empty<TAnswer>());
        }
        else
        {
            _anySent = true;
            var client = _client!;
            // The daemon's progress arrives on the connection's thread; it is written on the pipeline thread.
            var progress = withProgress ? _cmdlet.PipelineThread.Progress<OperationProgress>(p => _lastProgress = _cmdlet.WriteDaemonProgress(p, _progressActivity!)) : null;
            var stop = _cmdlet.StopToken;
            // Started off the pipeline thread: writing a request to a daemon that does not read must not hold up Ctrl+C.
            answer = Task.Run(() => _call(client, requests, progress, stop), stop);
        }
        _sent.Enqueue(new Batch(answer, entries));
    }

    /// <summary>Writes the answers at the head that are complete; waits for the oldest only while too many are outstanding.</summary>
    private void WriteArrived()
    {
        WriteProgress();
        while (_sent.Count > 0 && (_sent.Peek().Answer.IsCompleted || _sent.Count > _limits.MaxInFlight)) Write(_sent.Dequeue());
    }

    private void Write(Batch batch)
    {
        TAnswer[] answers;
        try
        {
            answers = Await(batch.Answer);
        }
        catch (OpsException ops) when (!ErrorMapping.EndsCommand(ops.Code))
        {
            // The batch failed as a whole for a reason of its own: each of its items gets the error, so none is silently lost.
            foreach (var e in batch.Entries)
            {
                if (e.Failure is { } failed) _cmdlet.WriteError(failed);
                else WriteError(ops, e.Target);
            }
            return;
        }
        catch (OpsException ops)
        {
            if (ops.Code == OpsErrorCode.Unavailable && _client is not null) ConnectionCache.Drop(_client);
            _cmdlet.ThrowTerminatingError(ErrorMapping.ToErrorRecord(ops));
            return; // never reached: ThrowTerminatingError throws
        }

        var next = 0;
        foreach (var e in batch.Entries)
        {
            if (e.Failure is { } failed)
            {
                _cmdlet.WriteError(failed);
                continue;
            }
            if (next >= answers.Length)
            {
                WriteError(new OpsException(OpsErrorCode.Internal, $"The daemon answered {answers.Length} of the batch's requests; this one got no answer.", null,
                    "Run the command again for this item; report the daemon's version if it happens again."), e.Target);
                continue;
            }
            var answer = answers[next++];
            var written = _output(answer, e.Target);
            if (written is not null) _cmdlet.WriteObject(written);
            if (_failure(answer) is { } error) WriteError(error.ToException(), written ?? e.Target);
        }
    }

    /// <summary>Waits on the pipeline thread for a batch's answer, writing the daemon's progress meanwhile; Ctrl+C ends the wait at once.</summary>
    private TAnswer[] Await(Task<TAnswer[]> answer)
    {
        try
        {
            return _cmdlet.PipelineThread.Wait(answer, _cmdlet.StopToken);
        }
        catch (Exception ex) when (ex is not PipelineStoppedException)
        {
            if (_cmdlet.StopToken.IsCancellationRequested) throw new PipelineStoppedException();
            throw OpsClient.Translate(ex, _cmdlet.ResolvedEndpoint);
        }
    }

    private void WriteProgress() => _cmdlet.PipelineThread.RunPosted();

    private void WriteError(OpsException error, object target) => _cmdlet.WriteError(ErrorMapping.ToErrorRecord(error, target));

    /// <summary>An item in input order: a request to send, or one that failed before it was sent.</summary>
    private readonly record struct Entry(TRequest? Request, object Target, ErrorRecord? Failure);

    private sealed record Batch(Task<TAnswer[]> Answer, List<Entry> Entries);
}
