namespace StellaOps.Ops.Attestation.Sigstore;

/// <summary>One service of a signing config (<c>Service</c>: a log, a TSA, a CA or an OIDC provider).</summary>
public sealed record SigningService(Uri Url, int MajorApiVersion, ValidityPeriod ValidFor, string Operator);
