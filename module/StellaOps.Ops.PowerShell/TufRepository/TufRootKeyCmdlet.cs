using System.Collections;
using System.Management.Automation;
using StellaOps.Ops.Hsm;
using StellaOps.Ops.Tuf.Repository;

namespace StellaOps.Ops.PowerShell.TufRepository;

/// <summary>
/// Base of the cmdlets that make or use root keys, which may live on the holders' PKCS#11 tokens (one token per
/// holder). A token's PIN never comes from the command line: from a prompt, or from the environment variable or
/// owner-only file a parameter names, where <c>{holder}</c> stands for the holder's name (one PIN each); by default
/// $env:STELLA_TUF_TOKEN_PIN_FILE, then $env:STELLA_TUF_TOKEN_PIN.
/// </summary>
public abstract class TufRootKeyCmdlet : TufRepositoryCmdlet
{
    public const string PinVariable = "STELLA_TUF_TOKEN_PIN";
    public const string ModuleVariable = "STELLA_TUF_PKCS11_MODULE";
    public const string HolderPlaceholder = "{holder}";

    /// <summary>The tokens' PKCS#11 library (default: $env:STELLA_TUF_PKCS11_MODULE, else the one the ceremony recorded).</summary>
    [Parameter]
    [ValidateNotNullOrEmpty]
    public string? Pkcs11Module { get; set; }

    /// <summary>The name of an environment variable holding the token PIN ({holder} stands for the holder's name).</summary>
    [Parameter]
    [ValidateNotNullOrEmpty]
    public string? PinEnvironmentVariable { get; set; }

    /// <summary>A file holding the token PIN, readable by you only ({holder} stands for the holder's name).</summary>
    [Parameter]
    [ValidateNotNullOrEmpty]
    public string? PinFile { get; set; }

    protected string ModulePath(string? recorded)
    {
        if (Pkcs11Module is not null) return ResolvePath(Pkcs11Module);
        if (Environment.GetEnvironmentVariable(ModuleVariable) is { Length: > 0 } fromEnvironment) return fromEnvironment;
        return recorded ?? throw new ArgumentException("Name the tokens' PKCS#11 library: -Pkcs11Module PATH (--pkcs11-module) or $STELLA_TUF_PKCS11_MODULE.");
    }

    /// <summary>The PIN of <paramref name="holder"/>'s token; null when no source is set and <paramref name="prompt"/> is false.</summary>
    protected HsmPinProvider? TokenPin(string holder, string label, bool prompt = true)
    {
        Func<string, Contracts.OpsException> missing = d => TufRepositoryErrors.PinMissing(holder, $"token '{label}' ({d})");
        var env = Environment.GetEnvironmentVariable(PinVariable + "_FILE");
        var chars = FromSources(PinEnvironmentVariable?.Replace(HolderPlaceholder, holder, StringComparison.Ordinal),
                PinFile?.Replace(HolderPlaceholder, holder, StringComparison.Ordinal) ?? env?.Replace(HolderPlaceholder, holder, StringComparison.Ordinal),
                PinVariable, null, missing)
            ?? (prompt ? Prompt($"PIN of {holder}'s token '{label}'", missing) : null);
        if (chars is null) return null;
        var pin = HsmPin.FromChars(chars);
        Array.Clear(chars);
        return pin;
    }

    /// <summary>-Token @{ holder = 'label' }: each holder's root key is made on that token.</summary>
    protected Dictionary<string, RootKeyToken>? Tokens(Hashtable? token)
    {
        if (token is null || token.Count == 0) return null;
        var module = ModulePath(null);
        var result = new Dictionary<string, RootKeyToken>(StringComparer.Ordinal);
        foreach (DictionaryEntry e in token)
        {
            var holder = e.Key?.ToString() ?? "";
            var label = e.Value?.ToString() is { Length: > 0 } l ? l : throw new ArgumentException($"-Token: give the token label for '{holder}' (holder = 'label').");
            result[holder] = new RootKeyToken { Module = module, Label = label, Pin = TokenPin(holder, label)! };
        }
        return result;
    }
}
