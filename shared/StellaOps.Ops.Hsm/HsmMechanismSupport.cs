using StellaOps.Ops.Contracts;

namespace StellaOps.Ops.Hsm;

/// <summary>Which product algorithms the token can generate and sign with, and the mechanisms behind it.</summary>
public sealed record HsmMechanismSupport(KeyAlgorithm Algorithm, bool CanGenerate, bool CanSign, string GenerateMechanism, string SignMechanism);
