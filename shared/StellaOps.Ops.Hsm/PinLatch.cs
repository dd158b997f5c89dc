namespace StellaOps.Ops.Hsm;

/// <summary>A remembered PIN failure: which error, and an HMAC of the PIN that caused it (never the PIN).</summary>
internal sealed record PinLatch(HsmErrorKind Kind, string? Ckr, byte[] Fingerprint)
{
    public HsmException ToException(string name) => new(Kind,
        $"HSM '{name}': login is suspended after {Ckr ?? Kind.ToString()}; no further login is attempted with the same PIN. {Pkcs11ErrorClassifier.Advice(Kind)}",
        Ckr, name);
}
