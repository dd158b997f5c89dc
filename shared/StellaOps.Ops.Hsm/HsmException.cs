namespace StellaOps.Ops.Hsm;

/// <summary>
/// An HSM failure with its <see cref="HsmErrorKind"/> and, when it came from the module, the CKR name.
/// Messages say what to do; they never contain a PIN.
/// </summary>
public sealed class HsmException : Exception
{
    public HsmException(HsmErrorKind kind, string message, string? ckr = null, string? hsmName = null, Exception? inner = null)
        : base(message, inner)
    {
        Kind = kind;
        Ckr = ckr;
        HsmName = hsmName;
    }

    public HsmErrorKind Kind { get; }
    /// <summary>CKR_* name from the module, e.g. "CKR_DEVICE_ERROR"; null when not from a PKCS#11 return value.</summary>
    public string? Ckr { get; }
    /// <summary>The configured HSM name, when known.</summary>
    public string? HsmName { get; }

    /// <summary>True for the kinds that mean "this HSM is unreachable": Connection and Timeout (failover triggers).</summary>
    public bool IsConnectionClass => Kind is HsmErrorKind.Connection or HsmErrorKind.Timeout;

    /// <summary>True for PIN failures that must never be retried automatically.</summary>
    public bool IsPinFailure => Kind is HsmErrorKind.PinIncorrect or HsmErrorKind.PinLocked;

    public override string ToString() => $"{nameof(HsmException)} [{Kind}{(Ckr is null ? "" : ", " + Ckr)}{(HsmName is null ? "" : ", hsm=" + HsmName)}]: {Message}";
}
