using System.Security.Cryptography;
using System.Text;

namespace StellaOps.Ops.Transparency.Notes;

/// <summary>
/// Key ids of signed-note keys. C2SP signed-note recommends the first four bytes of SHA-256(name ‖ 0x0A ‖ type ‖ key),
/// and so it is for Ed25519 (type 0x01, key: the 32 raw bytes). ECDSA (type 0x02, "as implemented by
/// transparency-dev/witness") is the exception the spec names: its key id is the first four bytes of SHA-256 of the
/// key's SubjectPublicKeyInfo DER, with neither name nor type byte. That is what Rekor v2 (rekor-tiles
/// pkg/note) signs its ECDSA P-256 checkpoints with, and, the log id being SHA-256 of the SPKI, what Rekor v1's
/// "log id[:4]" amounts to as well.
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

    /// <summary>ECDSA (type 0x02): SHA-256(SPKI DER)[:4]; no name, no type byte (C2SP signed-note, rekor-tiles).</summary>
    public static byte[] Ecdsa(ReadOnlySpan<byte> spki) => SHA256.HashData(spki)[..4];

    /// <summary>Rekor v1: the log id's first four bytes.</summary>
    public static byte[] FromLogId(ReadOnlySpan<byte> logId) => logId[..4].ToArray();
}
