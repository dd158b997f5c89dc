using System.Text.Json;
using StellaOps.Ops.Attestation.InToto;

namespace StellaOps.Ops.Attestation.Dsse;

/// <summary>One DSSE signature: the signing key's id (optional in DSSE) and the signature bytes in wire format.</summary>
public sealed record DsseSignature(string? KeyId, byte[] Signature)
{
    public string SignatureBase64 => Base64Text.Encode(Signature);
}
