using StellaOps.Ops.Attestation.Sigstore;

namespace StellaOps.Ops.Daemon.TrustSync;

/// <summary>
/// Sigstore trust material from the TUF repository: the verified <c>trusted_root.json</c> and
/// <c>signing_config.v0.2.json</c> targets of the last good refresh, served until the metadata that vouches for them
/// expires (or, under <c>--allow-stale</c>, until the allowed age since the last good refresh); after that
/// <see cref="Current"/> is <see cref="SigstoreTrust.NotConfigured"/>. <see cref="Publish"/> is called by the trust
/// sync after a refresh, an init or an import; <see cref="Changed"/> is raised when the targets' bytes changed, when
/// the material is withdrawn, and when the time it is served until passes (a timer on the source's clock), so a
/// consumer that caches what it read stops using expired material without polling.
/// </summary>
public sealed class TufSigstoreTrustSource(TimeProvider time) : ISigstoreTrustSource, IDisposable
{
    // Timers are armed at most this far ahead (longer dues are not portable); a timer that fires early re-arms.
    private static readonly TimeSpan LongestTimer = TimeSpan.FromDays(1);

    private readonly Lock _gate = new();
    private SigstoreTrust _current = SigstoreTrust.NotConfigured;
    private DateTimeOffset _servedUntil = DateTimeOffset.MaxValue;
    private string _fingerprint = "";
    private ITimer? _expiry;

    public SigstoreTrust Current
    {
        get
        {
            lock (_gate) return time.GetUtcNow() <= _servedUntil ? _current : SigstoreTrust.NotConfigured;
        }
    }

    /// <summary>The material published last, whether or not it is still served.</summary>
    public SigstoreTrust Published
    {
        get
        {
            lock (_gate) return _current;
        }
    }

    /// <summary>Until when the published material is served.</summary>
    public DateTimeOffset ServedUntil
    {
        get
        {
            lock (_gate) return _servedUntil;
        }
    }

    public event EventHandler? Changed;

    /// <summary>
    /// Puts <paramref name="trust"/> in effect until <paramref name="servedUntil"/>; <paramref name="fingerprint"/>
    /// names the targets' bytes (their hashes). True when the material changed (and <see cref="Changed"/> was raised).
    /// </summary>
    public bool Publish(SigstoreTrust trust, string fingerprint, DateTimeOffset servedUntil)
    {
        ArgumentNullException.ThrowIfNull(trust);
        bool wasServed;
        lock (_gate)
        {
            wasServed = time.GetUtcNow() <= _servedUntil;
            _servedUntil = servedUntil;
            ArmExpiry();
            if (fingerprint == _fingerprint && _current.TrustedRoot is not null)
            {
                _current = trust with { TrustedRoot = _current.TrustedRoot, SigningConfig = _current.SigningConfig };
                if (wasServed) return false;
            }
            else
            {
                _fingerprint = fingerprint;
                _current = trust;
            }
        }
        // Same bytes served again after they had expired (a stale grant, a late refresh): consumers must read it anew.
        Changed?.Invoke(this, EventArgs.Empty);
        return true;
    }

    /// <summary>Stops serving (expired metadata with no stale allowance).</summary>
    public void Withdraw()
    {
        lock (_gate)
        {
            _servedUntil = DateTimeOffset.MinValue;
            ArmExpiry();
        }
        Changed?.Invoke(this, EventArgs.Empty);
    }

    // Under _gate: one timer, for the current _servedUntil (none when it is past or unbounded).
    private void ArmExpiry()
    {
        _expiry?.Dispose();
        _expiry = null;
        if (_servedUntil == DateTimeOffset.MaxValue) return;
        var due = _servedUntil - time.GetUtcNow();
        if (due < TimeSpan.Zero) return;
        var until = _servedUntil;
        // Current serves while now <= servedUntil: fire just after it.
        _expiry = time.CreateTimer(_ => OnExpiryTimer(until), null, Min(due + TimeSpan.FromMilliseconds(1), LongestTimer), Timeout.InfiniteTimeSpan);
    }

    private void OnExpiryTimer(DateTimeOffset until)
    {
        lock (_gate)
        {
            if (_servedUntil != until) return; // published again since: that armed its own timer
            if (time.GetUtcNow() <= until)
            {
                ArmExpiry();
                return;
            }
            _expiry?.Dispose();
            _expiry = null;
        }
        Changed?.Invoke(this, EventArgs.Empty);
    }

    private static TimeSpan Min(TimeSpan a, TimeSpan b) => a < b ? a : b;

    public void Dispose()
    {
        lock (_gate)
        {
            _expiry?.Dispose();
            _expiry = null;
        }
    }
}
