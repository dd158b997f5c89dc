using Microsoft.Extensions.Configuration;
using StellaOps.Ops.Contracts;
using StellaOps.Ops.Contracts.Unix;
using StellaOps.Ops.Daemon.Settings;

namespace StellaOps.Ops.Daemon.Hsm;

/// <summary>
/// Which PKCS#11 modules the daemon may load. Loading one runs its code as the daemon's user, with the HSM PIN and
/// the master key in reach: more than the operator role that changes hsm.pkcs11.library_path grants. So a module is
/// accepted only if nobody but root can have put it there or can replace it (owned by root, not writable by group or
/// others, in directories with the same property all the way up, through root's links only), or if whoever installs
/// the daemon named it: the configuration file (opsd.json, which only root edits), the environment or the command
/// line, as a library path or in <c>Hsm:Pkcs11:TrustedLibraries</c>. Checked when the setting is changed and again
/// whenever a module is loaded.
/// </summary>
public sealed class Pkcs11LibraryValidator(IConfiguration configuration) : ISettingValidator
{
    public const string SettingName = "hsm.pkcs11.library_path";
    public const string TrustedLibrariesKey = "Hsm:Pkcs11:TrustedLibraries";
    private static readonly string[] LibraryKeys = ["Hsm:Pkcs11:LibraryPath", "Hsm:Primary:LibraryPath", "Hsm:Backup:LibraryPath"];

    public void Validate(SettingDefinition setting, string normalizedValue)
    {
        if (setting.Name == SettingName && normalizedValue.Length > 0) Demand(normalizedValue);
    }

    /// <summary>Throws <see cref="OpsErrorCode.UntrustedPath"/> (or InvalidSetting for a missing file) unless the module may be loaded.</summary>
    public void Demand(string library)
    {
        if (OperatingSystem.IsWindows() || IsListed(library)) return;
        if (PathTrust.RootOnly.CheckFileFollowingLinks(library) is not { } problem) return;
        if (problem.Reason == PathTrustProblem.DoesNotExist)
            throw new OpsException(OpsErrorCode.InvalidSetting, $"The PKCS#11 module {library} does not exist ({problem.Path} is missing).", SettingName,
                "Give the full path of the HSM vendor's module, e.g. /usr/lib/softhsm/libsofthsm2.so.");
        throw problem.ToException(
            "stella-opsd will not load a PKCS#11 module that someone other than root could have put there or could replace: its code would run with the HSM PIN and the master key in reach.",
            $"{problem.Fix} Or install the module as root into a root-owned directory, or have root list it in opsd.json under {TrustedLibrariesKey}.");
    }

    /// <summary>Named by a layer below the runtime settings: the file, the environment, the command line (or the built-in default).</summary>
    private bool IsListed(string library)
    {
        var wanted = Path.GetFullPath(library);
        foreach (var provider in ((IConfigurationRoot)configuration).Providers)
        {
            if (provider is RuntimeSettingsProvider) continue;
            var named = LibraryKeys.Select(k => provider.TryGet(k, out var v) ? v : null)
                .Concat(provider.GetChildKeys([], TrustedLibrariesKey).Distinct().Select(i => provider.TryGet($"{TrustedLibrariesKey}:{i}", out var v) ? v : null));
            if (named.Any(n => !string.IsNullOrWhiteSpace(n) && Path.IsPathFullyQualified(n) && Path.GetFullPath(n) == wanted)) return true;
        }
        return false;
    }
}
