using StellaOps.Ops.Hsm;

namespace StellaOps.Ops.Tuf.Repository;

/// <summary>
/// Where one holder's root key lives on a PKCS#11 token: the module, the token (found by label on every connect,
/// never by slot), and where its PIN comes from. The PIN itself is never kept here: the provider is asked at login.
/// </summary>
public sealed class RootKeyToken
{
    /// <summary>The PKCS#11 module (e.g. /usr/lib/softhsm/libsofthsm2.so, a vendor's library).</summary>
    public required string Module { get; init; }

    public required string Label { get; init; }

    /// <summary>Supplies the token's user PIN (a prompt, an environment variable or an owner-only file).</summary>
    public required HsmPinProvider Pin { get; init; }

    /// <summary>Variables the module reads from the native environment before it loads (e.g. SOFTHSM2_CONF).</summary>
    public IReadOnlyDictionary<string, string>? NativeEnvironment { get; init; }

    public override string ToString() => $"token '{Label}' ({Module})";
}
