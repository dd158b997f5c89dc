using System.Security.Cryptography;
using Microsoft.Extensions.Logging;
using Microsoft.Extensions.Options;
using StellaOps.Ops.Daemon.Hosting;
using StellaOps.Ops.Hsm;

namespace StellaOps.Ops.Daemon.Hsm;

/// <summary>
/// Development convenience: a per-user SoftHSM2 token "stellaops-dev" under the state directory (its own softhsm2.conf,
/// SOFTHSM2_CONF set in the native environment before the module loads, a random PIN in a 0600 file), so
/// <c>build.ps1 start</c> has a working HSM; the HSM service then puts its self-test key on it and
/// <see cref="HsmDevelopmentSigningKey"/> an active signing key. Never in system mode.
/// </summary>
public sealed class HsmDevelopmentToken(IOptions<DaemonOptions> daemon, DaemonPaths paths, ILogger<HsmDevelopmentToken> log)
{
    public const string Label = "stellaops-dev";
    public const string SoftHsmLibrary = "/usr/lib/softhsm/libsofthsm2.so";

    public bool Enabled(HsmOptions o) =>
        !paths.IsSystem && !OperatingSystem.IsWindows()
        && (o.DevelopmentToken ?? string.IsNullOrWhiteSpace(daemon.Value.StateDirectory))
        && File.Exists(SoftHsmLibrary);

    /// <summary>Returns options using the development token (provisioning it once), or <paramref name="o"/> unchanged.</summary>
    public HsmOptions Apply(HsmOptions o)
    {
        if (OperatingSystem.IsWindows() || o.IsConfigured || !Enabled(o))
        {
            return o;
        }

        string dir = Path.Combine(paths.StateDirectory, "softhsm");
        string conf = Path.Combine(dir, "softhsm2.conf");
        string tokens = Path.Combine(dir, "tokens");
        string pinFile = Path.Combine(dir, "user.pin");
        string marker = Path.Combine(dir, "initialized");
        var env = new Dictionary<string, string>(o.Primary.Environment, StringComparer.Ordinal) { ["SOFTHSM2_CONF"] = conf };
        if (!File.Exists(marker))
        {
            Provision(dir, conf, tokens, pinFile, env);
            File.WriteAllText(marker, DateTimeOffset.UtcNow.ToString("O"));
            log.LogInformation("HSM: provisioned the development SoftHSM token '{Label}' in {Dir} (PIN in {PinFile}, mode 0600).", Label, dir, pinFile);
        }

        log.LogInformation("HSM: per-user development mode without a configured token: using the development SoftHSM token '{Label}' ({Conf}).", Label, conf);
        return new HsmOptions
        {
            Session = o.Session,
            Pkcs11 = new HsmPkcs11Options { LibraryPath = SoftHsmLibrary },
            Primary = new HsmMemberOptions { LibraryPath = SoftHsmLibrary, TokenLabel = Label, PinFile = pinFile, PoolSize = o.Primary.PoolSize, Environment = env },
            Backup = new HsmMemberOptions(),
            FailbackProbes = o.FailbackProbes,
            SelfTestKeyId = o.SelfTestKeyId,
            ReconnectMaxDelay = o.ReconnectMaxDelay,
            DevelopmentToken = true,
        };
    }

    /// <summary>
    /// A new token through PKCS#11 itself (C_InitToken, C_InitPIN): the PINs never leave this process, so no other
    /// user can read them in /proc. The user PIN goes to a 0600 file first; the SO PIN is random and kept nowhere
    /// (nobody needs it for a development token). A provisioning that did not finish (no marker) starts over.
    /// </summary>
    [System.Runtime.Versioning.UnsupportedOSPlatform("windows")]
    private static void Provision(string dir, string conf, string tokens, string pinFile, IReadOnlyDictionary<string, string> env)
    {
        const UnixFileMode owner = UnixFileMode.UserRead | UnixFileMode.UserWrite | UnixFileMode.UserExecute;
        if (Directory.Exists(tokens)) Directory.Delete(tokens, recursive: true);
        Directory.CreateDirectory(tokens, owner);
        File.SetUnixFileMode(dir, owner);
        File.WriteAllText(conf, $"directories.tokendir = {tokens}\nobjectstore.backend = file\nlog.level = ERROR\nslots.removable = false\n");
        byte[] pin = RandomDigits(12), soPin = RandomDigits(12);
        try
        {
            using (var f = new FileStream(pinFile, new FileStreamOptions { Mode = FileMode.Create, Access = FileAccess.Write, UnixCreateMode = UnixFileMode.UserRead | UnixFileMode.UserWrite }))
            {
                f.Write(pin);
                f.Flush(true);
            }

            File.SetUnixFileMode(pinFile, UnixFileMode.UserRead | UnixFileMode.UserWrite);
            var library = Pkcs11Library.Get(SoftHsmLibrary, env);
            Pkcs11TokenInitializer.InitializeAsync(library, Label, soPin, pin, TimeSpan.FromSeconds(30)).GetAwaiter().GetResult();
        }
        finally
        {
            Array.Clear(pin);
            Array.Clear(soPin);
        }
    }

    private static byte[] RandomDigits(int n) => [.. Enumerable.Range(0, n).Select(_ => (byte)('0' + RandomNumberGenerator.GetInt32(10)))];
}
