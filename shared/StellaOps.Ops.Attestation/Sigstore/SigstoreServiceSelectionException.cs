namespace StellaOps.Ops.Attestation.Sigstore;

/// <summary>The signing config names too few services that can be used now (<see cref="SigstoreServiceSelection"/>); the message says which and why.</summary>
public sealed class SigstoreServiceSelectionException(string message) : InvalidOperationException(message);
