using System.Collections.Concurrent;
using StellaOps.Ops.Attestation.Signing;
using StellaOps.Ops.Attestation.Verification;
using StellaOps.Ops.Contracts;

namespace StellaOps.Ops.Attestation.Tests.Support;

/// <summary>Keys generated once per test run (RSA-3072 generation is slow on 2 cores). Slot 0 = "ours", 1 = "another".</summary>
internal static class TestKeys
{
    private static readonly ConcurrentDictionary<(KeyAlgorithm, int), Lazy<SoftwareKeyPair>> Keys = new();

    public static SoftwareKeyPair Get(KeyAlgorithm algorithm, int slot = 0)
        => Keys.GetOrAdd((algorithm, slot), _ => new Lazy<SoftwareKeyPair>(() => SoftwareKeys.Generate(algorithm))).Value;

    public static SoftwareDsseSigner Signer(KeyAlgorithm algorithm, int slot = 0) => SoftwareDsseSigner.FromKeyPair(Get(algorithm, slot));

    public static TrustedKey Trusted(KeyAlgorithm algorithm, int slot = 0, DateTimeOffset? notBefore = null, DateTimeOffset? notAfter = null)
        => new(Get(algorithm, slot).SubjectPublicKeyInfo, notBefore, notAfter);

    public static TheoryData<string> AlgorithmNames => new(KeyAlgorithmNames.All);
}
