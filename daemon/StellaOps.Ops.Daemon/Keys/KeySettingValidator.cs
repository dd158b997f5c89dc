using StellaOps.Ops.Contracts;
using StellaOps.Ops.Contracts.Rpc;
using StellaOps.Ops.Daemon.Settings;

namespace StellaOps.Ops.Daemon.Keys;

/// <summary>attest.signing.key_id must name a key that can sign: refusing a typo here beats a failed release later.</summary>
public sealed class KeySettingValidator(KeyStore store, TimeProvider time) : ISettingValidator
{
    public void Validate(SettingDefinition setting, string normalizedValue)
    {
        if (setting.Name != "attest.signing.key_id" || normalizedValue.Length == 0) return;
        var key = store.Find(normalizedValue.ToLowerInvariant())
                  ?? throw new OpsException(OpsErrorCode.KeyNotFound, $"There is no key '{normalizedValue}'.", normalizedValue, "List keys with 'stella keys list' and use the full id.");
        var status = key.StatusAt(time.GetUtcNow());
        if (status is KeyStatus.Expired or KeyStatus.Revoked or KeyStatus.Retired)
            throw new OpsException(status == KeyStatus.Expired ? OpsErrorCode.KeyExpired : OpsErrorCode.KeyNotActive,
                $"Key {key.Id} is {status.ToString().ToLowerInvariant()} and cannot be the signing key.", key.Id,
                "Choose an unexpired key: 'stella keys list --type signing --status inactive'.");
    }
}
