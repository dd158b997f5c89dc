using StellaOps.Ops.Contracts;
using StellaOps.Ops.Contracts.Rpc;

namespace StellaOps.Ops.Daemon.Keys;

/// <summary>
/// The one answer to "may this key sign now?" (and "may it be activated, registered, configured?"), with one set of
/// advice texts: an expired key names the backup keys to activate instead, a retired one its replacement. Key
/// operations, raw signing, the attestor, its status and its probe all ask here.
/// </summary>
public sealed class KeyUsability(KeyStore store)
{
    /// <summary>Null when <paramref name="key"/> may be <paramref name="action"/> at <paramref name="now"/>; else why not and what to do.</summary>
    /// <param name="action">What is asked, as the message says it: "used to sign", "activated", "registered", …</param>
    /// <param name="signing">Signing also needs the key's start (not before) to have passed.</param>
    public OpsException? Refusal(KeyRecord key, DateTimeOffset now, string action = "used to sign", bool signing = true) => key.StatusAt(now) switch
    {
        KeyStatus.Expired => Expired(key, now),
        KeyStatus.Revoked => new OpsException(OpsErrorCode.KeyRevoked,
            $"Key {key.Id} ({key.Name}) was revoked on {key.RevokedAt:u} ({key.RevocationReason}) and cannot be {action}.", key.Id,
            "Point signing at another key: 'stella attest config set signing.key_id <key-id>', or generate a new one with 'stella keys generate --type signing --algorithm ecdsa-p256'."),
        KeyStatus.Retired => new OpsException(OpsErrorCode.KeyNotActive,
            $"Key {key.Id} ({key.Name}) was retired on {key.RetiredAt:u} (replaced by {key.ReplacedBy}) and cannot be {action}.", key.Id,
            $"Use its replacement {key.ReplacedBy}: 'stella attest config set signing.key_id {key.ReplacedBy}'."),
        _ when signing && now < key.NotBefore => new OpsException(OpsErrorCode.KeyNotActive,
            $"Key {key.Id} ({key.Name}) is not valid before {key.NotBefore:u} and cannot be {action} yet.", key.Id,
            "Wait for its start, or activate another key with 'stella keys activate <key-id>'."),
        _ => null,
    };

    /// <summary>Throws <see cref="Refusal"/> when there is one.</summary>
    public void Ensure(KeyRecord key, DateTimeOffset now, string action = "used to sign", bool signing = true)
    {
        if (Refusal(key, now, action, signing) is { } refusal) throw refusal;
    }

    private OpsException Expired(KeyRecord key, DateTimeOffset now)
    {
        var backups = store.All()
            .Where(k => k.Id != key.Id && k.Purpose == key.Purpose && k.StatusAt(now) is KeyStatus.Inactive or KeyStatus.Active)
            .OrderByDescending(k => k.ExpiresAt)
            .Select(k => k.Id)
            .ToList();
        var action = backups.Count > 0
            ? $"Activate a backup key: 'stella keys activate {backups[0]}' then 'stella attest config set signing.key_id {backups[0]}' (Enable-StellaKey / Set-StellaConfig)."
            : "No unexpired backup key exists: generate one with 'stella keys generate --type signing --algorithm ecdsa-p256 --validity 365d' and activate it with 'stella keys activate <key-id>'.";
        return new OpsException(OpsErrorCode.KeyExpired,
            $"Signing key {key.Id} ({key.Name}) expired on {key.ExpiresAt:u}: key expired, it no longer signs. Existing signatures stay valid.",
            key.Id, action);
    }
}
