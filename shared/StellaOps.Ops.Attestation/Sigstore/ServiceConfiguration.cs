namespace StellaOps.Ops.Attestation.Sigstore;

/// <summary>A signing config's <c>rekorTlogConfig</c> / <c>tsaConfig</c>: the selector and, for <see cref="ServiceSelector.Exact"/>, how many.</summary>
public sealed record ServiceConfiguration(ServiceSelector Selector, int Count = 0);
