using Microsoft.Extensions.Hosting;
using Microsoft.Extensions.Logging;
using Microsoft.Extensions.Options;
using Prometheus;

namespace StellaOps.Ops.Daemon.Observability;

/// <summary>
/// Serves the product's meters in the Prometheus text format at <c>http://{metrics.listen}/metrics</c>, through
/// prometheus-net's meter adapter and its HttpListener server, when metrics.listen is set (off by default; loopback only
/// unless metrics.allow_non_loopback, see <see cref="MetricsListenAddress"/>). A port that cannot be opened is logged with
/// what to do and leaves the daemon running: signing must not stop for want of a metrics port.
/// </summary>
public sealed class PrometheusEndpoint(IOptions<MetricsOptions> options, ILogger<PrometheusEndpoint> logger) : IHostedService, IDisposable
{
    /// <summary>How long an observable gauge's series outlives its last report (a rotated-out key's expiry).</summary>
    public static readonly TimeSpan ObservedSeriesLifetime = TimeSpan.FromSeconds(30);

    /// <summary>
    /// The longest prometheus-net allows. Counters are touched at every scrape (they never expire while scraped); a
    /// histogram with no observation for a day drops out until its next one.
    /// </summary>
    private static readonly TimeSpan ForwardedSeriesLifetime = TimeSpan.FromDays(1);

    private PrometheusMeterBridge? _bridge;
    private readonly List<IDisposable> _adapters = [];
    private MetricServer? _server;

    /// <summary>Where the endpoint listens, once started (null when metrics.listen is empty or the port could not be opened).</summary>
    public MetricsListenAddress? Address { get; private set; }

    public Task StartAsync(CancellationToken cancellationToken)
    {
        var o = options.Value;
        var address = MetricsListenAddress.Parse(o.Listen, o.AllowNonLoopback);
        if (address is null) return Task.CompletedTask;

        var registry = Metrics.NewCustomRegistry();
        var bridge = new PrometheusMeterBridge();
        // Registered before the adapters' own callbacks, which read the mirrors: each scrape sees values read for it.
        registry.AddBeforeCollectCallback(bridge.RecordObservables);
        var factory = Metrics.WithCustomRegistry(registry);
        _adapters.Add(MeterAdapter.StartListening(new MeterAdapterOptions
        {
            Registry = registry, MetricFactory = factory, MetricsExpireAfter = ForwardedSeriesLifetime,
            InstrumentFilterPredicate = i => bridge.Owns(i) && !i.IsObservable,
        }));
        _adapters.Add(MeterAdapter.StartListening(new MeterAdapterOptions
        {
            Registry = registry, MetricFactory = factory, MetricsExpireAfter = ObservedSeriesLifetime,
            InstrumentFilterPredicate = i => bridge.Owns(i) && i.IsObservable,
        }));
        bridge.Start();
        _bridge = bridge;

        var server = new MetricServer(address.ListenerHost, address.Port, "metrics/", registry)
        {
            RequestPredicate = r => r.HttpMethod is "GET" or "HEAD",
        };
        try
        {
            server.Start();
        }
        catch (Exception ex) when (ex is System.Net.HttpListenerException or InvalidOperationException)
        {
            server.Dispose();
            logger.LogError("Cannot serve metrics on {Url}: {Reason}. Choose a free port with 'stella attest config set {Setting} 127.0.0.1:<port>' and restart the daemon.",
                address.Url, ex.Message, MetricsListenAddress.ListenSetting);
            return Task.CompletedTask;
        }
        _server = server;
        Address = address;
        if (!address.IsLoopback)
            logger.LogWarning("Serving Prometheus metrics on {Url}, which is not a loopback address ({Setting} is true): anyone who reaches it reads key ids and failure reasons.",
                address.Url, MetricsListenAddress.AllowNonLoopbackSetting);
        else
            logger.LogInformation("Serving Prometheus metrics on {Url}", address.Url);
        return Task.CompletedTask;
    }

    public async Task StopAsync(CancellationToken cancellationToken)
    {
        if (_server is { } server) await server.StopAsync().ConfigureAwait(false);
    }

    public void Dispose()
    {
        _server?.Dispose();
        foreach (var a in _adapters) a.Dispose();
        _bridge?.Dispose();
    }
}
