using StellaOps.Ops.Contracts;
using StellaOps.Ops.Daemon.Settings;

namespace StellaOps.Ops.Daemon.Keys;

/// <summary>
/// <see cref="SigningKeySelection.KeyIdSetting"/> must name a key that can sign (by the one rule of
/// <see cref="KeyUsability"/>): refusing a typo here beats a failed release later. Kept apart from the selection,
/// which reads the settings this validator guards.
/// </summary>
public sealed class KeySettingValidator(KeyStore store, KeyUsability usability, TimeProvider time) : ISettingValidator
{
    public void Validate(SettingDefinition setting, string normalizedValue)
    {
        if (setting.Name != SigningKeySelection.KeyIdSetting || normalizedValue.Length == 0) return;
        var key = store.Find(normalizedValue.ToLowerInvariant())
                  ?? throw new OpsException(OpsErrorCode.KeyNotFound, $"There is no key '{normalizedValue}'.", normalizedValue, "List keys with 'stella keys list' and use the full id.");
        usability.Ensure(key, time.GetUtcNow(), "the signing key", signing: false);
    }
}
