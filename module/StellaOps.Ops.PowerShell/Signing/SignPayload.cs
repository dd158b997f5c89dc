using StellaOps.Ops.Contracts;
using StellaOps.Ops.Contracts.Rpc;

namespace StellaOps.Ops.PowerShell.Signing;

/// <summary>
/// Turns bytes or a file into a request for the key's algorithm: Ed25519 signs the message itself, so the bytes
/// travel; every other algorithm signs a digest, so only the digest travels (the hash <see cref="SigningHash"/> names) and a
/// large file costs 32 bytes on the socket.
/// </summary>
internal static class SignPayload
{
    public static SignRequest ForBytes(byte[] data, KeyInfo key) => SigningHash.SignsDigest(key.Algorithm)
        ? new SignRequest { Digest = SigningHash.Format(key.Algorithm, SigningHash.Digest(key.Algorithm, data)), KeyId = key.Id }
        : new SignRequest { Data = data, KeyId = key.Id };

    public static SignRequest ForFile(string path, KeyInfo key)
    {
        if (!SigningHash.SignsDigest(key.Algorithm)) return ForBytes(File.ReadAllBytes(path), key);
        using var stream = new FileStream(path, FileMode.Open, FileAccess.Read, FileShare.Read, 1 << 16, FileOptions.SequentialScan);
        return new SignRequest { Digest = SigningHash.Format(key.Algorithm, SigningHash.Digest(key.Algorithm, stream)), KeyId = key.Id };
    }
}
