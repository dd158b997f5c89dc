namespace StellaOps.Ops.Daemon.Hsm;

public sealed class HsmMemberOptions
{
    /// <summary>PKCS#11 module. For the primary this is Hsm:Pkcs11:LibraryPath; for the backup, empty means the primary's module.</summary>
    public string LibraryPath { get; set; } = "";
    public string TokenLabel { get; set; } = "";
    public string TokenSerial { get; set; } = "";
    /// <summary>File holding the user PIN; must be readable by the daemon's user only (0600 or 0400).</summary>
    public string PinFile { get; set; } = "";
    /// <summary>Environment variable holding the user PIN (used when PinFile is empty).</summary>
    public string PinEnvironmentVariable { get; set; } = "";
    public int PoolSize { get; set; } = 4;
    /// <summary>Variables set in the daemon's native environment before the module loads (SOFTHSM2_CONF, P11_KIT_SERVER_ADDRESS, …).</summary>
    public Dictionary<string, string> Environment { get; set; } = new(StringComparer.Ordinal);

    public bool HasToken => !string.IsNullOrWhiteSpace(TokenLabel) || !string.IsNullOrWhiteSpace(TokenSerial);

    /// <summary>Identity of the member's configuration (no PIN material: only where the PIN comes from).</summary>
    internal string ConfigurationFingerprint(string library) =>
        string.Join("|", library, TokenLabel, TokenSerial, PinFile, PinEnvironmentVariable, PoolSize,
            string.Join(",", Environment.OrderBy(p => p.Key, StringComparer.Ordinal).Select(p => p.Key + "=" + p.Value)));
}
