namespace StellaOps.Ops.Contracts;

/// <summary>Marks a parameter whose value must never be logged or audited (PINs, secrets, key material).</summary>
[AttributeUsage(AttributeTargets.Parameter)]
public sealed class SensitiveAttribute : Attribute;
