using StellaOps.Ops.Attestation.Sigstore;

namespace StellaOps.Ops.Daemon.TrustSync;

/// <summary>
/// Sigstore trust material from the TUF repository: the verified <c>trusted_root.json</c> and
/// <c>signing_config.v0.2.json</c> targets of the last good refresh. <see cref="Publish"/> is called by the trust sync
/// after a refresh, an init or an import; <see cref="Changed"/> is raised only when the targets' bytes changed.
/// </summary>
public sealed class TufSigstoreTrustSource : ISigstoreTrustSource
{
    private readonly Lock _gate = new();
    private SigstoreTrust _current = SigstoreTrust.NotConfigured;
    private string _fingerprint = "";

    public SigstoreTrust Current => Volatile.Read(ref _current);

    public event EventHandler? Changed;

    /// <summary>Puts <paramref name="trust"/> in effect; <paramref name="fingerprint"/> names the targets' bytes (their hashes). True when it changed.</summary>
    public bool Publish(SigstoreTrust trust, string fingerprint)
    {
        ArgumentNullException.ThrowIfNull(trust);
        lock (_gate)
        {
            if (fingerprint == _fingerprint && _current.TrustedRoot is not null)
            {
                Volatile.Write(ref _current, trust with { TrustedRoot = _current.TrustedRoot, SigningConfig = _current.SigningConfig });
                return false;
            }
            _fingerprint = fingerprint;
            Volatile.Write(ref _current, trust);
        }
        Changed?.Invoke(this, EventArgs.Empty);
        return true;
    }
}
