namespace StellaOps.Ops.Attestation.Sigstore;

/// <summary>
/// The one place the daemon gets its Sigstore trust material from. The TUF trust sync implements it (the
/// verified <c>trusted_root.json</c> and <c>signing_config.v0.2.json</c> targets); the transparency-log client
/// reads which logs to submit to and their keys from it, and the verifier reads log keys and TSAs. A consumer
/// reads <see cref="Current"/> once per operation (it is an immutable snapshot) and listens to
/// <see cref="Changed"/> to pick up an endpoint swap or key rotation with no restart.
/// </summary>
public interface ISigstoreTrustSource
{
    /// <summary>The material in effect now; <see cref="SigstoreTrust.NotConfigured"/> before any is loaded.</summary>
    SigstoreTrust Current { get; }

    /// <summary>Raised after <see cref="Current"/> changed (a sync brought new targets, an import, a reload).</summary>
    event EventHandler? Changed;
}
