using System.Net;
using Polly;
using Polly.CircuitBreaker;
using Polly.Retry;
using Polly.Timeout;
using StellaOps.Ops.Transparency.Clients;

namespace StellaOps.Ops.Transparency.Resilience;

/// <summary>
/// The Polly 8 pipeline of one log backend: retry (outermost) → circuit breaker → per-attempt timeout, so every
/// attempt counts towards the breaker and an open breaker is not retried. Exposes the breaker's state, since when
/// and why it opened, and a manual reset (the operator's <c>trust reset-circuits</c>).
/// </summary>
public sealed class LogBackendResilience
{
    private readonly ResiliencePipeline<HttpResponseMessage> _pipeline;
    private readonly CircuitBreakerStateProvider _state = new();
    private readonly CircuitBreakerManualControl _control = new();
    private readonly TimeProvider _time;
    private readonly Lock _gate = new();

    public LogBackendResilience(string backend, LogResilienceOptions options, TimeProvider? time = null)
    {
        Backend = backend;
        Options = options;
        _time = time ?? TimeProvider.System;
        var transient = new PredicateBuilder<HttpResponseMessage>()
            .Handle<HttpRequestException>()
            .Handle<TimeoutRejectedException>()
            .Handle<IOException>()
            .HandleResult(r => IsTransient(r.StatusCode));
        _pipeline = new ResiliencePipelineBuilder<HttpResponseMessage> { TimeProvider = _time }
            .AddRetry(new RetryStrategyOptions<HttpResponseMessage>
            {
                ShouldHandle = transient,
                MaxRetryAttempts = options.MaxRetryAttempts,
                BackoffType = DelayBackoffType.Exponential,
                UseJitter = true,
                Delay = options.RetryDelay,
                DelayGenerator = args => ValueTask.FromResult(RetryAfter(args.Outcome.Result, options.MaxRetryAfter)),
                OnRetry = args =>
                {
                    args.Outcome.Result?.Dispose();
                    return ValueTask.CompletedTask;
                },
            })
            .AddCircuitBreaker(new CircuitBreakerStrategyOptions<HttpResponseMessage>
            {
                ShouldHandle = transient,
                FailureRatio = options.FailureRatio,
                MinimumThroughput = options.MinimumThroughput,
                SamplingDuration = options.SamplingDuration,
                BreakDuration = options.BreakDuration,
                StateProvider = _state,
                ManualControl = _control,
                OnOpened = args =>
                {
                    lock (_gate)
                    {
                        StateSince = _time.GetUtcNow();
                        StateReason = Describe(args.Outcome);
                    }
                    Opened?.Invoke(this, StateReason);
                    return ValueTask.CompletedTask;
                },
                OnClosed = args =>
                {
                    lock (_gate)
                    {
                        StateSince = _time.GetUtcNow();
                        StateReason = args.IsManual ? "reset by an operator" : "a trial call succeeded";
                    }
                    return ValueTask.CompletedTask;
                },
                OnHalfOpened = _ =>
                {
                    lock (_gate)
                    {
                        StateSince = _time.GetUtcNow();
                        StateReason = "the break elapsed: the next call is a trial";
                    }
                    return ValueTask.CompletedTask;
                },
            })
            .AddTimeout(options.AttemptTimeout)
            .Build();
    }

    /// <summary>The backend's name in metrics, status and logs (its base URL).</summary>
    public string Backend { get; }

    public LogResilienceOptions Options { get; }

    /// <summary>Raised when the breaker opens, with why.</summary>
    public event EventHandler<string>? Opened;

    public CircuitState State => _state.CircuitState;

    public DateTimeOffset? StateSince { get; private set; }

    public string? StateReason { get; private set; }

    /// <summary>Closes the breaker (an operator's reset).</summary>
    public Task ResetAsync() => _control.CloseAsync();

    /// <summary>
    /// Sends a request built fresh for each attempt. Answers the final response (success or a non-transient error for
    /// the caller to judge); throws <see cref="TransparencyLogException"/> once retries are spent or the circuit is open.
    /// </summary>
    public async Task<HttpResponseMessage> SendAsync(HttpClient http, Func<HttpRequestMessage> request, CancellationToken cancellationToken)
    {
        try
        {
            var response = await _pipeline.ExecuteAsync(
                async ct => await http.SendAsync(request(), HttpCompletionOption.ResponseHeadersRead, ct).ConfigureAwait(false),
                cancellationToken).ConfigureAwait(false);
            if (IsTransient(response.StatusCode))
            {
                var status = response.StatusCode;
                response.Dispose();
                throw new TransparencyLogException(status == HttpStatusCode.TooManyRequests ? LogFailureReason.RateLimited : LogFailureReason.Unavailable,
                    $"{Backend} answered {(int)status} {status} after {Options.MaxRetryAttempts} retries", status);
            }
            return response;
        }
        catch (BrokenCircuitException e)
        {
            throw new TransparencyLogException(LogFailureReason.CircuitOpen, $"the circuit breaker of {Backend} is open since {StateSince:O}: {StateReason}", null, e);
        }
        catch (TimeoutRejectedException e)
        {
            throw new TransparencyLogException(LogFailureReason.Unavailable, $"{Backend} did not answer within {Options.AttemptTimeout.TotalSeconds:0.#} s (after {Options.MaxRetryAttempts} retries)", null, e);
        }
        catch (Exception e) when ((e is HttpRequestException or IOException) && !cancellationToken.IsCancellationRequested)
        {
            throw new TransparencyLogException(LogFailureReason.Unavailable, $"{Backend} is unreachable after {Options.MaxRetryAttempts} retries: {e.Message}", null, e);
        }
    }

    public static bool IsTransient(HttpStatusCode status) => status is HttpStatusCode.RequestTimeout or HttpStatusCode.TooManyRequests || (int)status >= 500;

    /// <summary>Retry-After as seconds or an HTTP date; null lets the jittered backoff decide.</summary>
    internal static TimeSpan? RetryAfter(HttpResponseMessage? response, TimeSpan max)
    {
        var header = response?.Headers.RetryAfter;
        if (header is null) return null;
        var delay = header.Delta ?? (header.Date is { } date ? date - DateTimeOffset.UtcNow : null);
        if (delay is not { } d) return null;
        return d < TimeSpan.Zero ? TimeSpan.Zero : d > max ? max : d;
    }

    private static string Describe(Outcome<HttpResponseMessage> outcome) => outcome.Exception switch
    {
        TimeoutRejectedException => "timeouts",
        HttpRequestException h => $"connection failures ({h.HttpRequestError})",
        { } e => e.GetType().Name,
        null => outcome.Result is { } r ? $"HTTP {(int)r.StatusCode} {r.StatusCode}" : "failures",
    };
}
