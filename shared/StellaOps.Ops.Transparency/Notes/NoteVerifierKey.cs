using StellaOps.Ops.Attestation.Signing;
using StellaOps.Ops.Attestation.Verification;
using StellaOps.Ops.Contracts;

namespace StellaOps.Ops.Transparency.Notes;

/// <summary>
/// A key a signed note may be signed with: its name, its four-byte key id and the public key (SPKI DER). A note
/// signature is ECDSA (DER, with the curve's hash) or pure Ed25519 over the note text. The key is imported on the
/// first verification and kept, so a key object reused for many notes pays the import once.
/// </summary>
public sealed class NoteVerifierKey
{
    private NoteVerifierKey(string name, byte[] keyId, byte[] spki, KeyAlgorithm algorithm)
    {
        Name = name;
        KeyId = keyId;
        Spki = spki;
        Algorithm = algorithm;
        _verifier = new Lazy<PublicKeyVerifier?>(() => PublicKeyVerifier.TryCreate(Spki, Algorithm, out var verifier, out _) ? verifier : null);
    }

    private readonly Lazy<PublicKeyVerifier?> _verifier;

    public string Name { get; }
    public byte[] KeyId { get; }
    public byte[] Spki { get; }
    public KeyAlgorithm Algorithm { get; }

    /// <summary>A key with an explicit key id (a trusted root's <c>checkpointKeyId</c>, or a Rekor v1 log id prefix).</summary>
    public static NoteVerifierKey Create(string name, ReadOnlySpan<byte> keyId, byte[] spki)
    {
        ArgumentException.ThrowIfNullOrEmpty(name);
        if (keyId.Length < 4) throw new ArgumentException("A note key id is four bytes.", nameof(keyId));
        return new NoteVerifierKey(name, keyId[..4].ToArray(), spki, KeyAlgorithms.Detect(spki));
    }

    /// <summary>A key whose id follows C2SP signed-note: Ed25519 SHA-256(name ‖ 0x0A ‖ 0x01 ‖ key)[:4], ECDSA SHA-256(SPKI)[:4].</summary>
    public static NoteVerifierKey C2sp(string name, byte[] spki)
    {
        var algorithm = KeyAlgorithms.Detect(spki);
        var id = algorithm == KeyAlgorithm.Ed25519
            ? NoteKeyIds.C2sp(name, NoteKeyIds.Ed25519Type, spki.AsSpan(spki.Length - 32))
            : NoteKeyIds.Ecdsa(spki);
        return new NoteVerifierKey(name, id, spki, algorithm);
    }

    public bool Verify(ReadOnlySpan<byte> text, ReadOnlySpan<byte> signature)
        => _verifier.Value is { } verifier && verifier.Verify(text, signature, acceptRawEcdsa: false, out _);
}
