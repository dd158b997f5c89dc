using System.Security.Cryptography;
using StellaOps.Ops.Contracts;
using StellaOps.Ops.Contracts.Rpc;

namespace StellaOps.Ops.PowerShell.Signing;

/// <summary>
/// Turns bytes or a file into a request for the key's algorithm: Ed25519 signs the message itself, so the bytes
/// travel; every other algorithm signs a digest, so only the digest travels (SHA-384 for P-384, else SHA-256) and a
/// large file costs 32 bytes on the socket.
/// </summary>
internal static class SignPayload
{
    public static SignRequest ForBytes(byte[] data, KeyInfo key) => key.Algorithm switch
    {
        KeyAlgorithm.Ed25519 => new SignRequest { Data = data, KeyId = key.Id },
        KeyAlgorithm.EcdsaP384 => new SignRequest { Digest = "sha384:" + Convert.ToHexStringLower(SHA384.HashData(data)), KeyId = key.Id },
        _ => new SignRequest { Digest = "sha256:" + Convert.ToHexStringLower(SHA256.HashData(data)), KeyId = key.Id },
    };

    public static SignRequest ForFile(string path, KeyInfo key)
    {
        if (key.Algorithm == KeyAlgorithm.Ed25519) return ForBytes(File.ReadAllBytes(path), key);
        using var stream = new FileStream(path, FileMode.Open, FileAccess.Read, FileShare.Read, 1 << 16, FileOptions.SequentialScan);
        return key.Algorithm == KeyAlgorithm.EcdsaP384
            ? new SignRequest { Digest = "sha384:" + Convert.ToHexStringLower(SHA384.HashData(stream)), KeyId = key.Id }
            : new SignRequest { Digest = "sha256:" + Convert.ToHexStringLower(SHA256.HashData(stream)), KeyId = key.Id };
    }
}
