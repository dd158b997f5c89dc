using System.Net;
using Microsoft.Extensions.Logging;
using Microsoft.Extensions.Options;
using StellaOps.Ops.Attestation.Sigstore;
using StellaOps.Ops.Transparency.Clients;
using StellaOps.Ops.Transparency.Resilience;
using StellaOps.Ops.Transparency.Timestamps;

namespace StellaOps.Ops.Daemon.Transparency;

/// <summary>
/// The logs to submit to, from the one <see cref="ISigstoreTrustSource"/>: the signing config's Rekor logs this
/// daemon speaks (v1, v2) that the spec's selection admits now (valid, highest version, newest first, one per
/// operator), in that order: the first is the primary, the next the failover. The config's <c>rekorTlogConfig</c>
/// says how many must hold each attestation (<see cref="Snapshot.Required"/>): ALL every qualified log, ANY one,
/// EXACT <c>count</c> (fewer qualifying is the snapshot's problem: nothing is submitted). Their keys come from the
/// trusted root. Re-read whenever the source changes (a TUF sync, a reload), so an endpoint swap moves submissions with no
/// restart; a backend that stays keeps its circuit breaker.
/// </summary>
public sealed class TransparencyBackends : IDisposable
{
    public static readonly int[] SupportedApiVersions = [1, 2];

    private readonly ISigstoreTrustSource _source;
    private readonly TransparencyOptions _options;
    private readonly TransparencyMetrics _metrics;
    private readonly TimeProvider _time;
    private readonly ILogger<TransparencyBackends> _log;
    private readonly HttpClient _http = new(new SocketsHttpHandler { PooledConnectionLifetime = TimeSpan.FromMinutes(5), AutomaticDecompression = DecompressionMethods.None })
    {
        Timeout = Timeout.InfiniteTimeSpan,
    };
    private readonly Dictionary<string, LogBackend> _known = new(StringComparer.Ordinal);
    private readonly Lock _gate = new();
    private Snapshot _current = new([], [], null, SigstoreTrust.NotConfigured, "no signing config is loaded", 1, ServiceSelector.Any);

    /// <summary>
    /// What the drain uses for one round: the backends in failover order, and how many of them must hold an
    /// attestation's entry (<paramref name="Required"/>, from <paramref name="Selector"/>) before it is Logged.
    /// </summary>
    public sealed record Snapshot(IReadOnlyList<LogBackend> Backends, IReadOnlyList<TransparencyLogInstance> TrustedLogs, Rfc3161Client? Tsa, SigstoreTrust Trust, string? Problem,
        int Required, ServiceSelector Selector);

    public TransparencyBackends(ISigstoreTrustSource source, IOptions<TransparencyOptions> options, TransparencyMetrics metrics, TimeProvider time, ILogger<TransparencyBackends> log)
    {
        _source = source;
        _options = options.Value;
        _metrics = metrics;
        _time = time;
        _log = log;
        _source.Changed += (_, _) => Refresh();
        Refresh();
    }

    public Snapshot Current => Volatile.Read(ref _current);

    /// <summary>The signing config lists Rekor logs: signed attestations are queued, even while its selection cannot be met (they wait).</summary>
    public bool IsConfigured => Current.Backends.Count > 0 || Current.Trust.SigningConfig is { RekorTlogUrls.Count: > 0 };

    /// <summary>Re-reads the trust source (also called each drain round, so validity windows that start or end apply).</summary>
    public void Refresh()
    {
        var trust = _source.Current;
        var now = _time.GetUtcNow();
        lock (_gate)
        {
            string? problem = null;
            var services = new List<SigningService>();
            var required = 1;
            var selector = ServiceSelector.Any;
            if (trust.SigningConfig is not { } config) problem = "no signing config is loaded";
            else if (config.RekorTlogUrls.Count == 0) problem = "the signing config lists no Rekor log";
            else
            {
                try
                {
                    // The selector decides how many logs must hold an entry; every qualified log stays a candidate,
                    // in the spec's order, so that one beyond those needed is the failover of one that is down.
                    selector = config.RekorTlogConfig.Selector;
                    var selected = SigstoreServiceSelection.Select(config.RekorTlogUrls, config.RekorTlogConfig, SupportedApiVersions, now, "rekorTlogUrls");
                    services.AddRange(SigstoreServiceSelection.Select(config.RekorTlogUrls, new ServiceConfiguration(ServiceSelector.All), SupportedApiVersions, now, "Rekor log"));
                    required = selector == ServiceSelector.Any ? 1 : selected.Count;
                }
                catch (SigstoreServiceSelectionException e)
                {
                    problem = e.Message;
                    services.Clear();
                }
            }
            var backends = services.Select(Backend).ToList();
            Rfc3161Client? tsa = null;
            if (trust.SigningConfig is { TsaUrls.Count: > 0 } withTsa)
            {
                try
                {
                    var chosen = SigstoreServiceSelection.SelectOne(withTsa.TsaUrls, [1], now, "timestamp authority");
                    tsa = new Rfc3161Client(_http, chosen.Url, new LogBackendResilience(chosen.Url.AbsoluteUri, Resilience(30)));
                }
                catch (SigstoreServiceSelectionException e)
                {
                    _log.LogWarning("No timestamp authority is usable: {Reason}", e.Message);
                }
            }
            var previous = _current;
            Volatile.Write(ref _current, new Snapshot(backends, trust.TrustedRoot?.TransparencyLogs ?? [], tsa, trust, problem, required, selector));
            if (!previous.Backends.Select(b => b.Name).SequenceEqual(backends.Select(b => b.Name)))
                _log.LogInformation("Transparency log backends: {Backends}", backends.Count == 0 ? $"none ({problem})" : string.Join(", ", backends.Select(b => $"{b.Name} (v{b.Service.MajorApiVersion})")));
        }
    }

    public LogBackend? Find(string nameOrUrl)
    {
        var all = Current.Backends;
        return all.FirstOrDefault(b => b.Name == nameOrUrl) ?? all.FirstOrDefault(b => b.Name.TrimEnd('/') == nameOrUrl.TrimEnd('/'));
    }

    private LogBackend Backend(SigningService service)
    {
        var key = $"{service.MajorApiVersion}|{service.Url.AbsoluteUri}";
        if (_known.TryGetValue(key, out var known)) return known;
        var resilience = new LogBackendResilience(service.Url.AbsoluteUri, Resilience(service.MajorApiVersion == 2 ? Math.Max(_options.AttemptTimeoutSeconds, 25) : _options.AttemptTimeoutSeconds), _time);
        ITransparencyLogClient client = service.MajorApiVersion == 2
            ? new RekorV2Client(_http, service.Url, resilience)
            : new RekorV1Client(_http, service.Url, resilience);
        var backend = new LogBackend(service, client, resilience);
        resilience.Opened += (_, why) =>
        {
            backend.Opened();
            _metrics.CircuitOpened(backend.Name);
            _log.LogWarning("The circuit breaker of transparency log {Backend} opened ({Reason}); submissions fail over to the next log", backend.Name, why);
        };
        _known[key] = backend;
        return backend;
    }

    private LogResilienceOptions Resilience(int attemptTimeoutSeconds) => new()
    {
        MaxRetryAttempts = _options.RetryAttempts,
        RetryDelay = TimeSpan.FromMilliseconds(_options.RetryDelayMilliseconds),
        AttemptTimeout = TimeSpan.FromSeconds(attemptTimeoutSeconds),
        MinimumThroughput = Math.Max(2, _options.BreakerMinimumThroughput),
        BreakDuration = TimeSpan.FromSeconds(Math.Max(1, _options.BreakSeconds)),
    };

    public void Dispose() => _http.Dispose();
}
