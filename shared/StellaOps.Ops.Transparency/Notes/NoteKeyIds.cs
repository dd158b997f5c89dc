using System.Security.Cryptography;
using System.Text;

namespace StellaOps.Ops.Transparency.Notes;

/// <summary>
/// Key ids of signed-note keys. C2SP: the first four bytes of SHA-256(name ‖ 0x0A ‖ type ‖ key), with type 0x01 for
/// Ed25519 (key: the 32 raw bytes) and 0x02 for ECDSA (key: the SubjectPublicKeyInfo DER). Rekor v1 checkpoints
/// instead use the first four bytes of the log id (SHA-256 of the key's SPKI), which is what verifiers match on.
/// </summary>
public static class NoteKeyIds
{
    public const byte Ed25519Type = 0x01;
    public const byte EcdsaType = 0x02;

    public static byte[] C2sp(string name, byte type, ReadOnlySpan<byte> key)
    {
        var prefix = Encoding.UTF8.GetBytes(name);
        var buffer = new byte[prefix.Length + 2 + key.Length];
        prefix.CopyTo(buffer, 0);
        buffer[prefix.Length] = 0x0A;
        buffer[prefix.Length + 1] = type;
        key.CopyTo(buffer.AsSpan(prefix.Length + 2));
        return SHA256.HashData(buffer)[..4];
    }

    /// <summary>Rekor v1: the log id's first four bytes.</summary>
    public static byte[] FromLogId(ReadOnlySpan<byte> logId) => logId[..4].ToArray();
}
