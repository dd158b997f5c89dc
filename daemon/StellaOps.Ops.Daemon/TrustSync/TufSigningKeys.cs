using System.Security.Cryptography;
using StellaOps.Ops.Attestation.Verification;
using StellaOps.Ops.Tuf;

namespace StellaOps.Ops.Daemon.TrustSync;

/// <summary>
/// The TUF repository's <c>signing-keys.json</c> target (the issuer keys rotate-signing-key.sh generate/retire
/// publish, each with its window) as verifier trust: read from the same verified refresh as the trusted root and
/// served with it, so a key retired in the repository stops verifying what it signs after its end once the daemon syncs.
/// </summary>
internal static class TufSigningKeys
{
    /// <summary>The keys (none when the repository lists no such target) and the fingerprint of the target's bytes ("" when absent).</summary>
    public static async Task<(IReadOnlyList<TrustedKey> Keys, string Fingerprint)> ReadAsync(TufUpdater updater, Func<TargetFile, Task<byte[]>> download,
        string repositoryUrl, CancellationToken cancellationToken)
    {
        if (await updater.TryGetTargetInfoAsync(SigningKeysDocument.TargetName, cancellationToken).ConfigureAwait(false) is not { } info) return ([], "");
        var bytes = await download(info).ConfigureAwait(false);
        var keys = SigstoreDocument.Parse(bytes, b => SigningKeysDocument.Parse(b, $"TUF {repositoryUrl} {SigningKeysDocument.TargetName}"),
            $"The verified target {SigningKeysDocument.TargetName} is not a valid signing-keys document", SigningKeysDocument.TargetName,
            "The repository signed a signing-keys.json this daemon cannot read: tell the repository's operators (rotate-signing-key.sh writes it).");
        return (keys, Convert.ToHexStringLower(SHA256.HashData(bytes)));
    }
}
