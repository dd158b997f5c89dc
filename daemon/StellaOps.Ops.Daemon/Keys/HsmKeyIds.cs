using System.Security.Cryptography;

namespace StellaOps.Ops.Daemon.Keys;

/// <summary>
/// The CKA_IDs of the key pairs this daemon generates: the 4 bytes "STLK" then 16 random bytes. The prefix lets the
/// daemon tell its own objects on a shared token from other applications' when it looks for key pairs without a
/// record (a crash between C_GenerateKeyPair and the commit, a restored older database). Keys generated before the
/// prefix existed have 16 random bytes and are recognised by their records only.
/// </summary>
public static class HsmKeyIds
{
    private static readonly byte[] Prefix = "STLK"u8.ToArray();

    public static byte[] New() => [.. Prefix, .. RandomNumberGenerator.GetBytes(16)];

    public static bool IsOurs(ReadOnlySpan<byte> ckaId) => ckaId.Length == Prefix.Length + 16 && ckaId.StartsWith(Prefix);
}
