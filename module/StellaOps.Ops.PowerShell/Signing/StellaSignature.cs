using StellaOps.Ops.Contracts;

namespace StellaOps.Ops.PowerShell.Signing;

/// <summary>One signature made by Invoke-StellaSign: what was signed (Source, Digest), with which key, and the bytes.</summary>
public sealed class StellaSignature
{
    /// <summary>ECDSA as ASN.1 DER, RSA PKCS#1 v1.5, Ed25519 raw (64 bytes).</summary>
    public byte[] Signature { get; init; } = [];

    public string SignatureBase64 => Convert.ToBase64String(Signature);

    public string KeyId { get; init; } = "";

    public KeyAlgorithm Algorithm { get; init; }

    /// <summary>The digest that was signed (sha256:hex, sha384:hex for P-384); empty for Ed25519, which signs the data itself.</summary>
    public string Digest { get; init; } = "";

    /// <summary>What the signature is for: the digest given, the file's full path, or which -InputObject item.</summary>
    public string Source { get; init; } = "";

    public override string ToString() => SignatureBase64;
}
