using StellaOps.Ops.Attestation.Sigstore;

namespace StellaOps.Ops.Daemon.TrustSync;

/// <summary>
/// Sigstore trust material from the TUF repository: the verified <c>trusted_root.json</c> and
/// <c>signing_config.v0.2.json</c> targets of the last good refresh, served until the metadata that vouches for them
/// expires (or, under <c>--allow-stale</c>, until the allowed age since the last good refresh); after that
/// <see cref="Current"/> is <see cref="SigstoreTrust.NotConfigured"/>. <see cref="Publish"/> is called by the trust
/// sync after a refresh, an init or an import; <see cref="Changed"/> is raised only when the targets' bytes changed.
/// </summary>
public sealed class TufSigstoreTrustSource(TimeProvider time) : ISigstoreTrustSource
{
    private readonly Lock _gate = new();
    private SigstoreTrust _current = SigstoreTrust.NotConfigured;
    private DateTimeOffset _servedUntil = DateTimeOffset.MaxValue;
    private string _fingerprint = "";

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
        lock (_gate)
        {
            _servedUntil = servedUntil;
            if (fingerprint == _fingerprint && _current.TrustedRoot is not null)
            {
                _current = trust with { TrustedRoot = _current.TrustedRoot, SigningConfig = _current.SigningConfig };
                return false;
            }
            _fingerprint = fingerprint;
            _current = trust;
        }
        Changed?.Invoke(this, EventArgs.Empty);
        return true;
    }

    /// <summary>Stops serving (expired metadata with no stale allowance).</summary>
    public void Withdraw()
    {
        lock (_gate) _servedUntil = DateTimeOffset.MinValue;
        Changed?.Invoke(this, EventArgs.Empty);
    }
}
