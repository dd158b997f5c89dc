namespace StellaOps.Ops.Attestation.Sigstore;

/// <summary>A signing config's <c>ServiceSelector</c>: use all qualifying services, any one, or exactly <c>count</c>.</summary>
public enum ServiceSelector { All, Any, Exact }
