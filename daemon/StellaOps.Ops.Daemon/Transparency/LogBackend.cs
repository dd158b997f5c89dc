using StellaOps.Ops.Attestation.Sigstore;
using StellaOps.Ops.Transparency.Clients;
using StellaOps.Ops.Transparency.Resilience;

namespace StellaOps.Ops.Daemon.Transparency;

/// <summary>One log the signing config allows: its client, its own circuit breaker, and what it did lately.</summary>
public sealed class LogBackend(SigningService service, ITransparencyLogClient client, LogBackendResilience resilience)
{
    private long _submissions;
    private long _failures;
    private long _opens;

    public SigningService Service { get; } = service;
    public ITransparencyLogClient Client { get; } = client;
    public LogBackendResilience Resilience { get; } = resilience;
    public string Name => Service.Url.AbsoluteUri;
    public DateTimeOffset? LastSuccess { get; private set; }
    public string? LastError { get; private set; }
    public long Submissions => Interlocked.Read(ref _submissions);
    public long Failures => Interlocked.Read(ref _failures);
    public long Opens => Interlocked.Read(ref _opens);

    public void Succeeded(DateTimeOffset at)
    {
        Interlocked.Increment(ref _submissions);
        LastSuccess = at;
    }

    public void Failed(string error)
    {
        Interlocked.Increment(ref _failures);
        LastError = error;
    }

    public void Opened() => Interlocked.Increment(ref _opens);
}
