using System.Diagnostics;
using System.Security.Cryptography;
using Microsoft.Extensions.Logging;
using StellaOps.Ops.Attestation.Signing;
using StellaOps.Ops.Attestation.Verification;
using StellaOps.Ops.Daemon.Verification;
using StellaOps.Ops.Contracts;
using StellaOps.Ops.Contracts.Rpc;
using StellaOps.Ops.Contracts.Text;
using StellaOps.Ops.Daemon.Hosting;
using StellaOps.Ops.Daemon.Hsm;
using StellaOps.Ops.Daemon.Ipc;
using StellaOps.Ops.Daemon.Settings;

namespace StellaOps.Ops.Daemon.Keys;

/// <summary>
/// The life of signing keys: generate (in the HSM or sealed in software), activate, register, test, rotate,
/// retire, revoke, publish. An expired, retired or revoked key never signs. Every change is one transaction
/// with its event, so Get-StellaKeyRotation tells the whole story.
/// </summary>
public sealed class KeyService(
    KeyStore store,
    SoftwareKeyVault vault,
    IHsmKeyOperations hsm,
    SettingsService settings,
    DaemonPaths paths,
    TimeProvider time,
    ILogger<KeyService> logger)
{
    public const string DefaultPurpose = "attestation-signing";
    private readonly SemaphoreSlim _writes = new(1, 1);

    public DateTimeOffset Now => time.GetUtcNow();

    public KeyInfo[] List(KeyQuery query)
    {
        var now = Now;
        var name = string.IsNullOrWhiteSpace(query.Name) ? null : new WildcardMatcher(query.Name);
        return [.. store.All()
            .Where(k => query.Type is null || k.Type == query.Type)
            .Where(k => query.Status is null || k.StatusAt(now) == query.Status)
            .Where(k => query.Purpose is null || string.Equals(k.Purpose, query.Purpose, StringComparison.OrdinalIgnoreCase))
            .Where(k => name is null || name.IsMatch(k.Name) || name.IsMatch(k.Id))
            .Where(k => query.ExpiringWithin is not { } w
                        || (k.StoredStatus is KeyStatus.Active or KeyStatus.Inactive && k.ExpiresAt <= now + w.Value))
            .Select(k => k.ToInfo(now))];
    }

    public KeyRecord Resolve(string idOrPrefix)
    {
        var id = idOrPrefix?.Trim().ToLowerInvariant() ?? "";
        if (id.Length == 0) throw OpsException.InvalidArgument("A key id is required.", null, "List keys with 'stella keys list'.");
        var exact = store.Find(id);
        if (exact is not null) return exact;
        if (id.Length >= 8)
        {
            var hits = store.FindByPrefix(id);
            if (hits.Count == 1) return hits[0];
            if (hits.Count > 1) throw OpsException.InvalidArgument($"'{idOrPrefix}' matches more than one key; give more of the id.", idOrPrefix);
        }
        // Also accept a unique key name, as admins type names.
        var byName = store.All().Where(k => string.Equals(k.Name, idOrPrefix, StringComparison.OrdinalIgnoreCase)).ToList();
        if (byName.Count == 1) return byName[0];
        throw new OpsException(OpsErrorCode.KeyNotFound, $"There is no key '{idOrPrefix}'.", idOrPrefix, "List keys with 'stella keys list' (Get-StellaKey).");
    }

    public PublicKeyInfo PublicKey(string id)
    {
        var k = Resolve(id);
        return new PublicKeyInfo { Id = k.Id, Algorithm = k.Algorithm, Pem = PublicKeyPem.Encode(k.SubjectPublicKeyInfo) };
    }

    public async Task<KeyInfo> GenerateAsync(KeyGenerationRequest request, CancellationToken cancellationToken)
    {
        if (request.Validity.Value <= TimeSpan.Zero)
            throw OpsException.InvalidArgument($"Validity must be positive (got {request.Validity}).", "validity", "Use a duration like 365d.");
        if (string.IsNullOrWhiteSpace(request.Purpose))
            throw OpsException.InvalidArgument("A key needs a purpose.", "purpose");
        InputText.Check(request.Name, "key name", InputText.NameMaxLength);
        InputText.Check(request.Purpose, "key purpose", InputText.PurposeMaxLength);
        // A slot names an HSM: --hsm-slot generates in the HSM whatever attest.signing.mode says.
        var provider = request.Provider ?? (request.HsmSlot is not null ? KeyProvider.Hsm : DefaultProvider());
        var now = Now;
        var name = string.IsNullOrWhiteSpace(request.Name) ? $"{request.Type.ToString().ToLowerInvariant()}-{request.Algorithm.ToName()}-{now:yyyyMMdd-HHmmss}" : request.Name.Trim();

        byte[] spki;
        byte[]? ckaId = null;
        byte[]? sealedKey = null;
        string location;
        if (provider == KeyProvider.Hsm)
        {
            if (!hsm.IsConfigured)
                throw new OpsException(OpsErrorCode.HsmNotConfigured, "No HSM is configured, so the key cannot be generated in one.", null,
                    "Configure Hsm:Primary in opsd.json, or generate a software key with '-Provider Software' (stella keys generate ... after 'stella attest config set signing.mode software').");
            ckaId = HsmKeyIds.New();
            // Intent first: a crash after C_GenerateKeyPair leaves this row, and the start-up check finds the objects.
            store.AddIntent(new HsmKeyIntent(ckaId, name, request.Algorithm, request.HsmSlot, now, CallerContext.Current?.ToString() ?? "daemon"));
            spki = await GenerateInHsmAsync(request.Algorithm, name, ckaId, request.HsmSlot, cancellationToken).ConfigureAwait(false);
            location = request.HsmSlot ?? hsm.Location;
        }
        else
        {
            if (request.HsmSlot is not null)
                throw OpsException.InvalidArgument("-HsmSlot applies to HSM keys only, and -Provider Software was asked for.", "hsm-slot", "Drop --hsm-slot for a software key, or drop -Provider Software to generate in that HSM slot.");
            var pair = SoftwareKeys.Generate(request.Algorithm);
            spki = pair.SubjectPublicKeyInfo;
            sealedKey = vault.Seal(pair.KeyId, pair.Pkcs8PrivateKey);
            CryptographicOperations.ZeroMemory(pair.Pkcs8PrivateKey);
            location = "software";
        }

        var record = new KeyRecord
        {
            Id = KeyIds.FromSpki(spki),
            Name = name,
            Type = request.Type,
            Algorithm = request.Algorithm,
            Provider = provider,
            Purpose = request.Purpose.Trim(),
            StoredStatus = KeyStatus.Inactive,
            SubjectPublicKeyInfo = spki,
            HsmCkaId = ckaId,
            SealedPrivateKey = sealedKey,
            Location = location,
            CreatedAt = now,
            NotBefore = now,
            ExpiresAt = now + request.Validity.Value,
            VerifyUntil = now + request.Validity.Value,
        };
        record = await CommitGeneratedAsync(record, $"{record.Algorithm.ToName()} in {location}, valid until {record.ExpiresAt:u}", cancellationToken).ConfigureAwait(false);
        if (ckaId is not null) store.CompleteIntent(ckaId);
        logger.LogInformation("Generated {Algorithm} key {KeyId} ({Name}) in {Location}, expires {Expires:u}, {Status}", record.Algorithm.ToName(), record.Id, name, location, record.ExpiresAt, record.StoredStatus.ToString().ToLowerInvariant());
        return record.ToInfo(now);
    }

    /// <summary>
    /// Records a generated key. It becomes the active key when its provider has no active key for its purpose (the first
    /// key, or the first software key after 'signing.mode software'), decided under the write lock in the same commit.
    /// </summary>
    private async Task<KeyRecord> CommitGeneratedAsync(KeyRecord record, string detail, CancellationToken cancellationToken)
    {
        await _writes.WaitAsync(cancellationToken).ConfigureAwait(false);
        try
        {
            var events = new List<KeyEvent> { Event(record.Id, "generated", detail) };
            if (store.Active(record.Purpose, record.Provider) is null)
            {
                record = record with { StoredStatus = KeyStatus.Active, ActivatedAt = record.CreatedAt };
                events.Add(Event(record.Id, "activated", $"no other {ProviderName(record.Provider)} {record.Purpose} key was active"));
            }
            store.Commit([record], events);
            return record;
        }
        finally
        {
            _writes.Release();
        }
    }

    /// <summary>
    /// C_GenerateKeyPair for an intent already recorded. A refusal (wrong mechanism, …) is rolled back here: whatever the
    /// token made under this CKA_ID is destroyed and the intent dropped. When the token cannot be reached to check, the
    /// intent stays, and <see cref="HsmKeyReconciler"/> settles it once the HSM answers again.
    /// </summary>
    private async Task<byte[]> GenerateInHsmAsync(KeyAlgorithm algorithm, string name, byte[] ckaId, string? slot, CancellationToken cancellationToken)
    {
        try
        {
            return await hsm.GenerateKeyPairAsync(algorithm, name, ckaId, slot, cancellationToken).ConfigureAwait(false);
        }
        catch (Exception e) when (e is OpsException or OperationCanceledException)
        {
            try
            {
                await hsm.DestroyKeyAsync(ckaId, CancellationToken.None).ConfigureAwait(false);
                store.CompleteIntent(ckaId);
            }
            catch (OpsException cleanup)
            {
                logger.LogWarning("Key generation {CkaId} failed and its objects could not be checked ({Reason}); the daemon settles it when the HSM answers again.", Convert.ToHexString(ckaId), cleanup.Message);
            }
            throw;
        }
    }

    public async Task<KeyInfo> ActivateAsync(string id, string reason, CancellationToken cancellationToken)
    {
        await _writes.WaitAsync(cancellationToken).ConfigureAwait(false);
        try
        {
            var key = Resolve(id);
            var now = Now;
            EnsureUsable(key, now, "activated");
            if (key.StoredStatus == KeyStatus.Active) return key.ToInfo(now);
            var writes = new List<KeyRecord>();
            var events = new List<KeyEvent>();
            if (store.Active(key.Purpose, key.Provider) is { } previous)
            {
                writes.Add(previous with { StoredStatus = KeyStatus.Inactive });
                events.Add(Event(previous.Id, "deactivated", $"replaced as the active {key.Purpose} key by {key.Id}"));
            }
            var active = key with { StoredStatus = KeyStatus.Active, ActivatedAt = now };
            writes.Add(active);
            events.Add(Event(key.Id, "activated", reason));
            store.Commit(writes, events);
            logger.LogInformation("Key {KeyId} ({Name}) is now the active {Purpose} key ({Reason})", key.Id, key.Name, key.Purpose, reason);
            return active.ToInfo(now);
        }
        finally
        {
            _writes.Release();
        }
    }

    public async Task<KeyInfo> RegisterAsync(string id, string purpose, CancellationToken cancellationToken)
    {
        if (string.IsNullOrWhiteSpace(purpose)) throw OpsException.InvalidArgument("A purpose is required, e.g. attestation-signing.", "purpose");
        InputText.Check(purpose, "key purpose", InputText.PurposeMaxLength);
        var key = Resolve(id);
        var now = Now;
        EnsureUsable(key, now, "registered");
        purpose = purpose.Trim();
        if (key.StoredStatus == KeyStatus.Active && !string.Equals(purpose, key.Purpose, StringComparison.Ordinal) && store.Active(purpose, key.Provider) is { } other)
            throw new OpsException(OpsErrorCode.Conflict, $"Key {other.Id} is already the active {purpose} key.", key.Id, "Deactivate it first by activating this key for that purpose.");
        var updated = key with { Purpose = purpose };
        await WriteAsync([updated], [Event(key.Id, "registered", $"purpose {purpose}")], cancellationToken).ConfigureAwait(false);
        return updated.ToInfo(now);
    }

    public async Task<KeyTestResult> TestAsync(string id, CancellationToken cancellationToken)
    {
        var key = Resolve(id);
        var sw = Stopwatch.StartNew();
        var probe = RandomNumberGenerator.GetBytes(64);
        var signature = await SignAsync(key, probe, cancellationToken).ConfigureAwait(false);
        var ok = DsseVerifier.VerifySignature(key.ToTrustedKey(), probe, signature, allowRawEcdsa: false, out var reason);
        return new KeyTestResult
        {
            Id = key.Id,
            Operation = KeyOperation.Sign,
            Success = ok,
            Algorithm = key.Algorithm,
            Provider = key.Provider,
            Latency = sw.Elapsed,
            Message = ok ? $"Signed 64 random bytes in {key.Location} and verified the signature with the public key." : $"The signature did not verify: {reason}",
        };
    }

    /// <summary>Signs with <paramref name="key"/>; the result is in DSSE wire format (ECDSA DER, RSA PKCS#1 v1.5, raw Ed25519).</summary>
    public async Task<byte[]> SignAsync(KeyRecord key, byte[] message, CancellationToken cancellationToken)
    {
        EnsureCanSign(key, Now);
        if (key.Provider == KeyProvider.Hsm)
        {
            var raw = await hsm.SignAsync(key.HsmCkaId!, key.Algorithm, message, cancellationToken).ConfigureAwait(false);
            return KeyAlgorithms.IsEcdsa(key.Algorithm) ? SignatureFormats.P1363ToDer(raw, key.Algorithm) : raw;
        }
        var pkcs8 = vault.Unseal(key.Id, key.SealedPrivateKey!);
        try
        {
            using var signer = SoftwareDsseSigner.FromPkcs8(pkcs8, key.Id);
            return signer.Sign(message);
        }
        finally
        {
            CryptographicOperations.ZeroMemory(pkcs8);
        }
    }

    /// <summary>
    /// Signs precomputed digests with <paramref name="key"/> in one go (SHA-256 for ecdsa-p256/rsa-3072, SHA-384 for
    /// ecdsa-p384; the caller checks the lengths): one HSM session for the lot, or one unseal of a software key.
    /// ECDSA DER, RSA PKCS#1 v1.5 — the same signatures <see cref="SignAsync"/> makes over the messages. Not for Ed25519.
    /// </summary>
    public async Task<byte[][]> SignDigestsAsync(KeyRecord key, IReadOnlyList<byte[]> digests, CancellationToken cancellationToken)
    {
        EnsureCanSign(key, Now);
        if (key.Algorithm == KeyAlgorithm.Ed25519)
            throw OpsException.InvalidArgument($"Key {key.Id} is ed25519, which signs the whole message, not a digest.", key.Id, "Pass the data itself (Invoke-StellaSign -InputObject or -Path).");
        if (key.Provider == KeyProvider.Hsm)
        {
            var raw = await hsm.SignDigestsAsync(key.HsmCkaId!, key.Algorithm, digests, cancellationToken).ConfigureAwait(false);
            return KeyAlgorithms.IsEcdsa(key.Algorithm) ? [.. raw.Select(r => SignatureFormats.P1363ToDer(r, key.Algorithm))] : raw;
        }
        var pkcs8 = vault.Unseal(key.Id, key.SealedPrivateKey!);
        try
        {
            using var signer = SoftwareDsseSigner.FromPkcs8(pkcs8, key.Id);
            return [.. digests.Select(d => signer.SignHash(d))];
        }
        finally
        {
            CryptographicOperations.ZeroMemory(pkcs8);
        }
    }

    /// <summary>
    /// Signs whole messages in one go: hashed here as the key's algorithm requires and signed as digests
    /// (<see cref="SignDigestsAsync"/>), or one by one for Ed25519, which signs the message itself.
    /// </summary>
    public async Task<byte[][]> SignMessagesAsync(KeyRecord key, IReadOnlyList<byte[]> messages, CancellationToken cancellationToken)
    {
        if (key.Algorithm != KeyAlgorithm.Ed25519)
            return await SignDigestsAsync(key, [.. messages.Select(m => MessageDigest(key, m))], cancellationToken).ConfigureAwait(false);
        var signatures = new byte[messages.Count][];
        for (var i = 0; i < messages.Count; i++) signatures[i] = await SignAsync(key, messages[i], cancellationToken).ConfigureAwait(false);
        return signatures;
    }

    /// <summary>The digest <paramref name="key"/> signs for a message: SHA-384 for ecdsa-p384, SHA-256 otherwise (not for Ed25519).</summary>
    public static byte[] MessageDigest(KeyRecord key, ReadOnlySpan<byte> message)
        => key.Algorithm == KeyAlgorithm.EcdsaP384 ? SHA384.HashData(message) : SHA256.HashData(message);

    /// <summary>How many signatures <paramref name="key"/> can usefully make at once: the HSM's session pool, or the cores for software keys.</summary>
    public int SigningParallelism(KeyRecord key) => key.Provider == KeyProvider.Hsm ? Math.Max(1, hsm.Parallelism) : Environment.ProcessorCount;

    public KeyEvent[] History(string? id) => store.History(id is null ? null : Resolve(id).Id);

    public async Task<KeyInfo> RevokeAsync(string id, string reason, CancellationToken cancellationToken)
    {
        if (string.IsNullOrWhiteSpace(reason)) throw OpsException.InvalidArgument("Say why the key is revoked (-Reason).", "reason");
        InputText.Check(reason, "revocation reason", InputText.ReasonMaxLength);
        var key = Resolve(id);
        var now = Now;
        if (key.StoredStatus == KeyStatus.Revoked) return key.ToInfo(now);
        // A revoked key verifies nothing from now on: its trust ends at the revocation.
        var revoked = key with { StoredStatus = KeyStatus.Revoked, RevokedAt = now, RevocationReason = reason.Trim(), VerifyUntil = now < key.VerifyUntil ? now : key.VerifyUntil };
        await WriteAsync([revoked], [Event(key.Id, "revoked", reason.Trim())], cancellationToken).ConfigureAwait(false);
        logger.LogWarning("Key {KeyId} ({Name}) revoked: {Reason}", key.Id, key.Name, reason);
        return revoked.ToInfo(now);
    }

    public async Task<PublishedKey> PublishAsync(string id, CancellationToken cancellationToken)
    {
        var key = Resolve(id);
        var now = Now;
        if (key.StoredStatus == KeyStatus.Revoked)
            throw new OpsException(OpsErrorCode.KeyRevoked, $"Key {key.Id} is revoked and must not be published as trusted.", key.Id);
        var dir = IssuerDirectory;
        Directory.CreateDirectory(dir);
        var path = Path.Combine(dir, key.Id + ".pem");
        var temp = path + ".tmp";
        await File.WriteAllTextAsync(temp, PublicKeyPem.Encode(key.SubjectPublicKeyInfo), cancellationToken).ConfigureAwait(false);
        File.Move(temp, path, overwrite: true);
        var meta = System.Text.Json.JsonSerializer.Serialize(new { keyId = key.Id, algorithm = key.Algorithm.ToName(), notBefore = key.NotBefore, notAfter = key.VerifyUntil, purpose = key.Purpose }, RpcJson.Options);
        await File.WriteAllTextAsync(Path.Combine(dir, key.Id + ".json"), meta, cancellationToken).ConfigureAwait(false);
        await WriteAsync([key with { PublishedAt = now }], [Event(key.Id, "published", path)], cancellationToken).ConfigureAwait(false);
        return new PublishedKey { Id = key.Id, Path = path, PublishedAt = now };
    }

    /// <summary>The folder of public keys that verification trusts (issuer directory of this daemon).</summary>
    public string IssuerDirectory => Path.Combine(paths.StateDirectory, "issuers", "local", "keys");

    /// <summary>Replaces a key with a new one of the same kind, activates it and keeps the old one verifiable for the overlap.</summary>
    public async Task<KeyRotationResult> RotateAsync(string? id, string reason, CancellationToken cancellationToken)
    {
        var old = id is null
            ? store.Active(DefaultPurpose, DefaultProvider()) ?? throw new OpsException(OpsErrorCode.NoActiveKey, $"There is no active {DefaultPurpose} key to rotate.", null, "Name the key to rotate with -Id.")
            : Resolve(id);
        if (old.StoredStatus is KeyStatus.Revoked or KeyStatus.Retired)
            throw new OpsException(OpsErrorCode.KeyNotActive, $"Key {old.Id} is {old.StoredStatus.ToString().ToLowerInvariant()}; it has nothing left to rotate.", old.Id);

        var created = await GenerateAsync(new KeyGenerationRequest
        {
            Type = old.Type,
            Algorithm = old.Algorithm,
            Provider = old.Provider,
            Purpose = old.Purpose,
            Validity = new Duration(old.Validity),
            Name = RotatedName(old.Name, Now),
        }, cancellationToken).ConfigureAwait(false);

        var overlap = TimeSpan.FromDays(int.Parse(settings.Value("keys.rotation.overlap_days"), System.Globalization.CultureInfo.InvariantCulture));
        var now = Now;
        var replacement = Resolve(created.Id) with { StoredStatus = KeyStatus.Active, ActivatedAt = now, Replaces = old.Id };
        var retired = old with
        {
            StoredStatus = KeyStatus.Retired,
            RetiredAt = now,
            ReplacedBy = replacement.Id,
            VerifyUntil = now + overlap < old.ExpiresAt ? now + overlap : old.ExpiresAt,
        };
        var writes = new List<KeyRecord> { retired, replacement };
        var events = new List<KeyEvent>
        {
            Event(old.Id, "rotated", $"replaced by {replacement.Id} ({reason}); verifies until {retired.VerifyUntil:u}"),
            Event(replacement.Id, "activated", $"replaces {old.Id} ({reason})"),
        };
        // Another key active for the same purpose would break the one-active invariant: it steps down.
        if (old.StoredStatus != KeyStatus.Active && store.Active(old.Purpose, old.Provider) is { } current && current.Id != old.Id)
        {
            writes.Add(current with { StoredStatus = KeyStatus.Inactive });
            events.Add(Event(current.Id, "deactivated", $"replaced as the active {old.Purpose} key by {replacement.Id}"));
        }
        await _writes.WaitAsync(cancellationToken).ConfigureAwait(false);
        try { store.Commit(writes, events); }
        finally { _writes.Release(); }

        if (string.Equals(settings.Value("attest.signing.key_id"), old.Id, StringComparison.Ordinal))
            settings.Set("attest.signing.key_id", replacement.Id, CallerContext.Current);
        logger.LogWarning("Rotated key {OldKey} to {NewKey} ({Reason}); the old key verifies until {Until:u}", old.Id, replacement.Id, reason, retired.VerifyUntil);
        return new KeyRotationResult { Retired = retired.ToInfo(now), Replacement = replacement.ToInfo(now) };
    }

    /// <summary>
    /// The key that signs for a purpose: <c>attest.signing.key_id</c> if set and held by the provider that
    /// <c>attest.signing.mode</c> selects, else that provider's active key. Throws with the runbook's remedy when there is none.
    /// </summary>
    public KeyRecord SigningKey(string purpose = DefaultPurpose)
    {
        var configured = settings.Value("attest.signing.key_id");
        var provider = DefaultProvider();
        if (!string.IsNullOrEmpty(configured))
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

    /// <summary>The exact commands that give <paramref name="provider"/> an active key: activate a usable one, or generate one (it becomes active).</summary>
    private string NoActiveKeyAction(string purpose, KeyProvider provider)
    {
        var now = Now;
        var generate = $"run 'stella keys generate --type signing --algorithm ecdsa-p256': it makes a {ProviderName(provider)} key, which becomes the active {purpose} key because none is active";
        var inactive = store.All()
            .Where(k => k.Provider == provider && string.Equals(k.Purpose, purpose, StringComparison.Ordinal) && k.StatusAt(now) == KeyStatus.Inactive && now >= k.NotBefore)
            .OrderByDescending(k => k.ExpiresAt)
            .FirstOrDefault();
        return inactive is null
            ? $"To make one, {generate}."
            : $"Activate the {ProviderName(provider)} key {inactive.Id} ({inactive.Name}): 'stella keys activate {inactive.Id}'; or, for a new one, {generate}.";
    }

    private static string ProviderName(KeyProvider provider) => provider.ToString().ToLowerInvariant();

    /// <summary>Makes the key named by attest.signing.key_id the active one (on reload and at start), as the runbooks expect.</summary>
    public async Task AlignWithConfigurationAsync(CancellationToken cancellationToken)
    {
        var configured = settings.Value("attest.signing.key_id");
        if (string.IsNullOrEmpty(configured) || store.Find(configured) is not { } key) return;
        if (key.StoredStatus == KeyStatus.Inactive && key.StatusAt(Now) == KeyStatus.Inactive)
            await ActivateAsync(key.Id, "named by attest.signing.key_id", cancellationToken).ConfigureAwait(false);
    }

    internal async Task WriteAsync(IEnumerable<KeyRecord> writes, IEnumerable<KeyEvent> events, CancellationToken cancellationToken)
    {
        await _writes.WaitAsync(cancellationToken).ConfigureAwait(false);
        try { store.Commit(writes, events); }
        finally { _writes.Release(); }
    }

    internal KeyEvent Event(string keyId, string what, string detail) => new()
    {
        Timestamp = Now,
        KeyId = keyId,
        Event = what,
        Detail = detail,
        Actor = CallerContext.Current?.ToString() ?? "daemon",
    };

    internal KeyProvider DefaultProvider() => settings.Value("attest.signing.mode") == "software" || !hsm.IsConfigured ? KeyProvider.Software : KeyProvider.Hsm;

    internal IReadOnlyList<KeyRecord> All() => store.All();

    private void EnsureUsable(KeyRecord key, DateTimeOffset now, string action)
    {
        switch (key.StatusAt(now))
        {
            case KeyStatus.Expired: throw Expired(key);
            case KeyStatus.Revoked: throw new OpsException(OpsErrorCode.KeyRevoked, $"Key {key.Id} was revoked on {key.RevokedAt:u} ({key.RevocationReason}) and cannot be {action}.", key.Id, "Generate a new key with 'stella keys generate'.");
            case KeyStatus.Retired: throw new OpsException(OpsErrorCode.KeyNotActive, $"Key {key.Id} was retired on {key.RetiredAt:u} (replaced by {key.ReplacedBy}) and cannot be {action}.", key.Id, $"Use its replacement {key.ReplacedBy}.");
        }
    }

    private void EnsureCanSign(KeyRecord key, DateTimeOffset now)
    {
        EnsureUsable(key, now, "used to sign");
        if (now < key.NotBefore)
            throw new OpsException(OpsErrorCode.KeyNotActive, $"Key {key.Id} is not valid before {key.NotBefore:u}.", key.Id);
    }

    private OpsException Expired(KeyRecord key)
    {
        var now = Now;
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

    private static string RotatedName(string name, DateTimeOffset now)
    {
        var stem = name.Contains("-rot", StringComparison.Ordinal) ? name[..name.LastIndexOf("-rot", StringComparison.Ordinal)] : name;
        return $"{stem}-rot{now:yyyyMMdd}";
    }
}
