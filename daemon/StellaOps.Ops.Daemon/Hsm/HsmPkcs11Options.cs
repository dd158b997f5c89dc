namespace StellaOps.Ops.Daemon.Hsm;

public sealed class HsmPkcs11Options
{
    /// <summary>PKCS#11 module of the primary (hsm.pkcs11.library_path); applied on Reset -ReloadLibrary.</summary>
    public string LibraryPath { get; set; } = "";
}
