namespace StellaOps.Ops.Daemon.Signing;

/// <summary>
/// One thing to sign with a key: a message (hashed by <see cref="BatchSigner"/> with the hash the key signs with, or
/// signed whole by Ed25519) or a digest already of that hash.
/// </summary>
public readonly record struct SignInput(byte[] Bytes, bool IsDigest)
{
    public static SignInput Message(byte[] message) => new(message, false);

    public static SignInput Digest(byte[] digest) => new(digest, true);
}
