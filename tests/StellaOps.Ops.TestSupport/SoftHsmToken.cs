using System.Text.RegularExpressions;

namespace StellaOps.Ops.TestSupport;

/// <summary>
/// A throw-away SoftHSM2 token: its own softhsm2.conf and token directory under a temp dir (or a token added to a
/// shared directory, see <see cref="Create"/>), initialised through <c>softhsm2-util</c> with SOFTHSM2_CONF in the
/// child's environment. Disposing deletes the token (and the directory when this instance owns it).
/// </summary>
/// <remarks>
/// SoftHSM2 reads SOFTHSM2_CONF once, at C_Initialize, from the NATIVE environment. Every token used directly
/// (libsofthsm2.so loaded in the test process) must therefore live in the same directory, the one the process's
/// SOFTHSM2_CONF names; pass <c>directory</c> to put several tokens in one directory. Tokens served through
/// <see cref="P11KitServer"/> can have their own directory: the server process gets its own environment.
/// </remarks>
public sealed partial class SoftHsmToken : IDisposable
{
    public const string DefaultLibraryPath = "/usr/lib/softhsm/libsofthsm2.so";
    public const string UtilPath = "softhsm2-util";
    public const string Pkcs11ToolPath = "pkcs11-tool";

    private readonly bool _ownsDirectory;
    private bool _disposed;

    private SoftHsmToken(string directory, bool ownsDirectory, string label, string pin, string soPin)
    {
        Directory = directory;
        _ownsDirectory = ownsDirectory;
        Label = label;
        Pin = pin;
        SoPin = soPin;
        ConfPath = Path.Combine(directory, "softhsm2.conf");
        TokenDirectory = Path.Combine(directory, "tokens");
    }

    /// <summary>The directory holding softhsm2.conf and tokens/.</summary>
    public string Directory { get; }
    public string ConfPath { get; }
    public string TokenDirectory { get; }
    public string LibraryPath { get; private init; } = DefaultLibraryPath;
    public string Label { get; }
    public string Pin { get; }
    public string SoPin { get; }
    /// <summary>The token serial SoftHSM assigned (16 hex digits).</summary>
    public string Serial { get; private set; } = "";

    /// <summary>Environment a process needs to see this token through libsofthsm2.so.</summary>
    public IReadOnlyDictionary<string, string> EnvironmentVariables => new Dictionary<string, string> { ["SOFTHSM2_CONF"] = ConfPath };

    /// <summary>Creates and initialises a token.</summary>
    /// <param name="label">Token label (max 32 chars); default a unique one.</param>
    /// <param name="pin">User PIN.</param>
    /// <param name="soPin">Security officer PIN.</param>
    /// <param name="directory">Share this directory (created if needed) with other tokens; null for a private temp dir.</param>
    public static SoftHsmToken Create(string? label = null, string pin = "1234", string soPin = "5678", string? directory = null, string libraryPath = DefaultLibraryPath)
    {
        label ??= "t-" + Guid.NewGuid().ToString("N")[..12];
        bool owns = directory is null;
        directory ??= Path.Combine(Path.GetTempPath(), "stellaops-softhsm-" + Guid.NewGuid().ToString("N")[..12]);
        var token = new SoftHsmToken(directory, owns, label, pin, soPin) { LibraryPath = libraryPath };
        System.IO.Directory.CreateDirectory(token.TokenDirectory);
        if (!File.Exists(token.ConfPath))
        {
            File.WriteAllText(token.ConfPath,
                $"directories.tokendir = {token.TokenDirectory}\nobjectstore.backend = file\nlog.level = ERROR\nslots.removable = false\n");
        }

        try
        {
            token.Util("--init-token", "--free", "--label", label, "--so-pin", soPin, "--pin", pin);
            token.Serial = token.ReadSerial();
        }
        catch
        {
            token.Dispose();
            throw;
        }

        return token;
    }

    /// <summary>
    /// Imports a key pair (PKCS#8 private key DER and SubjectPublicKeyInfo DER) with the given CKA_ID via
    /// <c>pkcs11-tool --write-object</c> in a child process (C_CreateObject). Test-only provisioning, e.g. the same
    /// key on a primary and a backup token; production keys are generated inside the HSM.
    /// </summary>
    public void ImportKeyPair(byte[] pkcs8PrivateKey, byte[] subjectPublicKeyInfo, byte[] id, string label)
    {
        string tmp = Path.Combine(Directory, "import-" + Guid.NewGuid().ToString("N"));
        System.IO.Directory.CreateDirectory(tmp);
        try
        {
            string priv = Path.Combine(tmp, "key.der");
            string pub = Path.Combine(tmp, "pub.der");
            File.WriteAllBytes(priv, pkcs8PrivateKey);
            File.WriteAllBytes(pub, subjectPublicKeyInfo);
            string idHex = Convert.ToHexString(id);
            Tool("--login", "--pin", Pin, "--write-object", priv, "--type", "privkey", "--id", idHex, "--label", label, "--usage-sign");
            Tool("--login", "--pin", Pin, "--write-object", pub, "--type", "pubkey", "--id", idHex, "--label", label);
        }
        finally
        {
            System.IO.Directory.Delete(tmp, recursive: true);
        }
    }

    /// <summary>Runs pkcs11-tool against this token (module = <see cref="LibraryPath"/>, token = label).</summary>
    public string Tool(params string[] arguments) =>
        ProcessRunner.Run(Pkcs11ToolPath, ["--module", LibraryPath, "--token-label", Label, .. arguments], EnvironmentVariables);

    /// <summary>Runs softhsm2-util with this token's SOFTHSM2_CONF.</summary>
    public string Util(params string[] arguments) => ProcessRunner.Run(UtilPath, arguments, EnvironmentVariables);

    private string ReadSerial()
    {
        string slots = Util("--show-slots");
        // Blocks per slot; the token block lists "Serial number:" before "Label:".
        foreach (Match m in SlotBlock().Matches(slots))
        {
            if (m.Groups["label"].Value.Trim() == Label)
            {
                return m.Groups["serial"].Value.Trim();
            }
        }

        throw new InvalidOperationException($"Token '{Label}' not found in softhsm2-util --show-slots output.");
    }

    [GeneratedRegex(@"Serial number:\s*(?<serial>\S*)\s*\n(?:.*\n)*?\s*Label:\s*(?<label>[^\n]*)")]
    private static partial Regex SlotBlock();

    public void Dispose()
    {
        if (_disposed)
        {
            return;
        }

        _disposed = true;
        try
        {
            if (_ownsDirectory)
            {
                if (System.IO.Directory.Exists(Directory))
                {
                    System.IO.Directory.Delete(Directory, recursive: true);
                }
            }
            else if (!string.IsNullOrEmpty(Serial))
            {
                Util("--delete-token", "--serial", Serial);
            }
        }
        catch (Exception e) when (e is IOException or UnauthorizedAccessException or InvalidOperationException)
        {
            // Best effort: a temp dir left behind is not worth failing a test run.
        }
    }

    public override string ToString() => $"SoftHsmToken(label={Label}, serial={Serial}, conf={ConfPath})";
}
