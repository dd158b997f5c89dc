using StellaOps.Ops.Contracts;
using StellaOps.Ops.Contracts.Rpc;
using StellaOps.Ops.Daemon.Hsm;
using StellaOps.Ops.Daemon.Ipc;
using StellaOps.Ops.Daemon.Settings;

namespace StellaOps.Ops.Daemon.Keys;

/// <summary>
/// The one owner of <c>attest.signing.*</c>: which key signs attestations (and raw signatures that name no key).
/// <c>attest.signing.mode</c> picks the provider (hsm, or software; software when no HSM is configured),
/// <c>attest.signing.key_id</c> a key of it. The attestor, signing.Sign, status, probe, health checks and the key
/// operations (rotation follows the setting; reload aligns activation with it) all ask here.
/// </summary>
public sealed class SigningKeySelection(KeyStore store, KeyUsability usability, SettingsService settings, IHsmKeyOperations hsm, TimeProvider time)
{
    public const string ModeSetting = "attest.signing.mode";
    public const string KeyIdSetting = "attest.signing.key_id";
    public const string DefaultPurpose = "attestation-signing";

    /// <summary>hsm or software, as configured.</summary>
    public string Mode => settings.Value(ModeSetting);

    /// <summary>The mode's setting with who set it and when.</summary>
    public SettingInfo ModeValue => settings.Get(ModeSetting)[0];

    /// <summary><c>attest.signing.key_id</c>, or null when it is not set.</summary>
    public string? ConfiguredKeyId => settings.Value(KeyIdSetting) is { Length: > 0 } id ? id : null;

    /// <summary>The provider that signs: software when the mode says so or no HSM is configured, else the HSM.</summary>
    public KeyProvider Provider => Mode == "software" || !hsm.IsConfigured ? KeyProvider.Software : KeyProvider.Hsm;

    /// <summary>
    /// The key that signs for a purpose: <c>attest.signing.key_id</c> if set and held by the provider that
    /// <c>attest.signing.mode</c> selects, else that provider's active key. Throws with the runbook's remedy when there is none.
    /// Whether the key may sign now is <see cref="Check"/>'s (and the signer's) question.
    /// </summary>
    public KeyRecord Resolve(string purpose = DefaultPurpose)
    {
        var configured = ConfiguredKeyId;
        var provider = Provider;
        if (configured is not null)
        {
            var named = store.Find(configured) ?? throw new OpsException(OpsErrorCode.KeyNotFound,
                $"attest.signing.key_id names key {configured}, which does not exist.", configured,
                "Point it at an existing key: 'stella attest config set signing.key_id <key-id>', or clear it with Reset-StellaConfig attest.signing.key_id.");
            if (named.Provider == provider) return named;
            // The runbook's HSM outage path sets signing.mode software while key_id still names the HSM key: the
            // temporary software mode signs with the active software key, and key_id applies again in hsm mode.
            if (provider == KeyProvider.Hsm)
                throw new OpsException(OpsErrorCode.KeyNotActive,
                    $"attest.signing.key_id names software key {named.Id}, but the signing mode is hsm: HSM mode never signs with a key kept on disk.", named.Id,
                    "Point signing.key_id at an HSM key ('stella attest config set signing.key_id <key-id>'), or switch to software signing deliberately with 'stella attest config set signing.mode software'.");
        }
        return store.Active(purpose, provider) ?? throw new OpsException(OpsErrorCode.NoActiveKey,
            $"There is no active {purpose} key for {ProviderName(provider)} signing.", purpose, NoActiveKeyAction(purpose, provider));
    }

    /// <summary>The key that signs now and whether it may (never throws for a missing or unusable key).</summary>
    public (KeyRecord? Key, OpsException? Problem) Check()
    {
        KeyRecord key;
        try { key = Resolve(); }
        catch (OpsException ex) { return (null, ex); }
        return (key, usability.Refusal(key, time.GetUtcNow()));
    }

    /// <summary>A rotation replaced <paramref name="oldId"/>: a key_id that named it names the replacement from now on.</summary>
    public void FollowRotation(string oldId, string replacementId)
    {
        if (string.Equals(ConfiguredKeyId, oldId, StringComparison.Ordinal))
            settings.Set(KeyIdSetting, replacementId, CallerContext.Current);
    }

    /// <summary>The key key_id names when it is inactive but could be active (reload and start make it so), else null.</summary>
    public KeyRecord? ConfiguredButInactive()
    {
        if (ConfiguredKeyId is not { } configured || store.Find(configured) is not { } key) return null;
        return key.StoredStatus == KeyStatus.Inactive && key.StatusAt(time.GetUtcNow()) == KeyStatus.Inactive ? key : null;
    }

    /// <summary>The exact commands that give <paramref name="provider"/> an active key: activate a usable one, or generate one (it becomes active).</summary>
    private string NoActiveKeyAction(string purpose, KeyProvider provider)
    {
        var now = time.GetUtcNow();
        var generate = $"run 'stella keys generate --type signing --algorithm ecdsa-p256': it makes a {ProviderName(provider)} key, which becomes the active {purpose} key because none is active";
        var inactive = store.All()
            .Where(k => k.Provider == provider && string.Equals(k.Purpose, purpose, StringComparison.Ordinal) && k.StatusAt(now) == KeyStatus.Inactive && now >= k.NotBefore)
            .OrderByDescending(k => k.ExpiresAt)
            .FirstOrDefault();
        return inactive is null
            ? $"To make one, {generate}."
            : $"Activate the {ProviderName(provider)} key {inactive.Id} ({inactive.Name}): 'stella keys activate {inactive.Id}'; or, for a new one, {generate}.";
    }

    internal static string ProviderName(KeyProvider provider) => provider.ToString().ToLowerInvariant();
}
