namespace StellaOps.Ops.Contracts;

/// <summary>Signature key algorithms the product supports. The runbook names ("ecdsa-p256", …) are the wire form.</summary>
public enum KeyAlgorithm
{
    EcdsaP256,
    EcdsaP384,
    Rsa3072,
    Ed25519,
}
