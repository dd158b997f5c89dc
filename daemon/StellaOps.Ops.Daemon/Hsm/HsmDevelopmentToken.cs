using System.Diagnostics;
using System.Security.Cryptography;
using Microsoft.Extensions.Logging;
using Microsoft.Extensions.Options;
using StellaOps.Ops.Daemon.Hosting;

namespace StellaOps.Ops.Daemon.Hsm;

/// <summary>
/// Development convenience: a per-user SoftHSM2 token "stellaops-dev" under the state directory (its own softhsm2.conf,
/// SOFTHSM2_CONF set in the native environment before the module loads, a random PIN in a 0600 file), so
/// <c>build.ps1 start</c> has a working HSM. Never in system mode.
/// </summary>
public sealed class HsmDevelopmentToken(IOptions<DaemonOptions> daemon, DaemonPaths paths, ILogger<HsmDevelopmentToken> log)
{
    public const string Label = "stellaops-dev";
    public const string SoftHsmLibrary = "/usr/lib/softhsm/libsofthsm2.so";

    public bool Enabled(HsmOptions o) =>
        !paths.IsSystem && !OperatingSystem.IsWindows()
        && (o.DevelopmentToken ?? string.IsNullOrWhiteSpace(daemon.Value.StateDirectory))
        && File.Exists(SoftHsmLibrary) && FindUtil() is not null;

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
        if (!File.Exists(marker))
        {
            Directory.CreateDirectory(tokens, UnixFileMode.UserRead | UnixFileMode.UserWrite | UnixFileMode.UserExecute);
            File.SetUnixFileMode(dir, UnixFileMode.UserRead | UnixFileMode.UserWrite | UnixFileMode.UserExecute);
            File.WriteAllText(conf, $"directories.tokendir = {tokens}\nobjectstore.backend = file\nlog.level = ERROR\nslots.removable = false\n");
            string pin = RandomDigits(12), soPin = RandomDigits(12);
            using (var f = new FileStream(pinFile, new FileStreamOptions { Mode = FileMode.Create, Access = FileAccess.Write, UnixCreateMode = UnixFileMode.UserRead | UnixFileMode.UserWrite }))
            using (var w = new StreamWriter(f))
            {
                w.Write(pin);
            }

            File.SetUnixFileMode(pinFile, UnixFileMode.UserRead | UnixFileMode.UserWrite);
            var psi = new ProcessStartInfo(FindUtil()!) { UseShellExecute = false, RedirectStandardOutput = true, RedirectStandardError = true };
            foreach (var a in new[] { "--init-token", "--free", "--label", Label, "--so-pin", soPin, "--pin", pin }) psi.ArgumentList.Add(a);
            psi.Environment["SOFTHSM2_CONF"] = conf;
            using var p = Process.Start(psi) ?? throw new IOException("softhsm2-util did not start.");
            string err = p.StandardError.ReadToEnd();
            p.StandardOutput.ReadToEnd();
            if (!p.WaitForExit(30_000) || p.ExitCode != 0)
            {
                throw new IOException($"softhsm2-util --init-token failed (arguments not shown): {err.Trim()}");
            }

            File.WriteAllText(marker, DateTimeOffset.UtcNow.ToString("O"));
            log.LogInformation("HSM: provisioned the development SoftHSM token '{Label}' in {Dir} (PIN in {PinFile}, mode 0600).", Label, dir, pinFile);
        }

        log.LogInformation("HSM: per-user development mode without a configured token: using the development SoftHSM token '{Label}' ({Conf}).", Label, conf);
        var env = new Dictionary<string, string>(o.Primary.Environment, StringComparer.Ordinal) { ["SOFTHSM2_CONF"] = conf };
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

    private static string RandomDigits(int n) => string.Concat(Enumerable.Range(0, n).Select(_ => (char)('0' + RandomNumberGenerator.GetInt32(10))));

    private static string? FindUtil() =>
        (Environment.GetEnvironmentVariable("PATH") ?? "/usr/bin:/bin").Split(':', StringSplitOptions.RemoveEmptyEntries)
            .Select(d => Path.Combine(d, "softhsm2-util")).FirstOrDefault(File.Exists);
}
