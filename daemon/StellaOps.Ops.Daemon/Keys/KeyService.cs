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
using StellaOps.Ops.Daemon.Observability;
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
    SigningKeySelection selection,
    KeyUsability usability,
    SettingsService settings,
    DaemonPaths paths,
    AuditLog audit,
    TimeProvider time,
    ILogger<KeyService> logger)
{
    public const string DefaultPurpose = SigningKeySelection.DefaultPurpose;
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
                events.Add(Event(record.Id, "activated", $"no other {SigningKeySelection.ProviderName(record.Provider)} {record.Purpose} key was active"));
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
            usability.Ensure(key, now, "activated", signing: false);
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
        usability.Ensure(key, now, "registered", signing: false);
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
        var signature = await Signer(key).SignAsync(probe, cancellationToken).ConfigureAwait(false);
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

    /// <summary>
    /// <paramref name="key"/> as a signer, once it may sign now (<see cref="KeyUsability"/>; throws otherwise): an HSM
    /// key through the shared <see cref="Ops.Hsm.HsmDsseSigner"/>, a software key unsealed per call. Either hashes with
    /// the digest <see cref="SigningHash"/> names and answers in DSSE wire format (ECDSA DER, RSA PKCS#1 v1.5, raw Ed25519).
    /// </summary>
    public IDigestSigner Signer(KeyRecord key)
    {
        usability.Ensure(key, Now);
        return key.Provider == KeyProvider.Hsm
            ? new Ops.Hsm.HsmDsseSigner(new HsmKeyToken(hsm), key.HsmCkaId!, key.Algorithm, key.Id)
            : new SealedKeySigner(vault, key);
    }

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
        var path = Path.Combine(dir, key.Id + ".pem");
        var metaPath = Path.Combine(dir, key.Id + ".json");
        var pem = PublicKeyPem.Encode(key.SubjectPublicKeyInfo);
        var planned = KeyPublishIntent.For(key.Id, path, pem, metaPath);
        var heldBefore = planned.Holds();
        // The folder is what verification trusts, and files cannot join a transaction: the audit's "started" is
        // committed before they change and the outcome after; a crash between is settled at start (SettleInterrupted).
        var intent = audit.StartIntent(KeyPublishIntent.Subject, "keys.publish", $"about to write the public key {key.Id} to {path} and {metaPath}", planned.ToJson(),
            () => heldBefore ? (false, $"{path} already held this key") : planned.Holds() ? (true, $"wrote {path} and {metaPath}") : (false, $"{path} was not written"));
        await intent.RunAsync(async () =>
        {
            Directory.CreateDirectory(dir);
            var temp = path + ".tmp";
            await File.WriteAllTextAsync(temp, pem, cancellationToken).ConfigureAwait(false);
            File.Move(temp, path, overwrite: true);
            var meta = System.Text.Json.JsonSerializer.Serialize(new { keyId = key.Id, algorithm = key.Algorithm.ToName(), notBefore = key.NotBefore, notAfter = key.VerifyUntil, purpose = key.Purpose }, RpcJson.Options);
            await File.WriteAllTextAsync(metaPath, meta, cancellationToken).ConfigureAwait(false);
            await WriteAsync([key with { PublishedAt = now }], [Event(key.Id, "published", path)], cancellationToken).ConfigureAwait(false);
        }).ConfigureAwait(false);
        return new PublishedKey { Id = key.Id, Path = path, PublishedAt = now };
    }

    /// <summary>
    /// At start: completes the audit of every change to key files a stop of the daemon interrupted between its intent
    /// and its outcome: the master key's creation (<see cref="SoftwareKeyVault.SettleInterruptedCreation"/>), and key
    /// publications, as "interrupted: applied" when the folder holds the key, "not applied" when it does not.
    /// </summary>
    public void SettleInterrupted()
    {
        vault.SettleInterruptedCreation();
        SettleInterruptedPublishes();
    }

    private void SettleInterruptedPublishes()
        => audit.SettleInterrupted(KeyPublishIntent.Subject, "Key publication", "what the issuer folder holds", open =>
            KeyPublishIntent.FromJson(open.Intent) is not { } planned
                ? (true, "the intent is not readable, so the publication is taken as applied; run 'stella issuer keys publish' again to be sure of the folder")
                : planned.Holds()
                    ? (true, $"{planned.PemPath} holds the public key {planned.KeyId}")
                    : (false, $"{planned.PemPath} does not hold the public key {planned.KeyId}"));

    /// <summary>The folder of public keys that verification trusts (issuer directory of this daemon).</summary>
    public string IssuerDirectory => Path.Combine(paths.StateDirectory, "issuers", "local", "keys");

    /// <summary>Replaces a key with a new one of the same kind, activates it and keeps the old one verifiable for the overlap.</summary>
    public async Task<KeyRotationResult> RotateAsync(string? id, string reason, CancellationToken cancellationToken)
    {
        var old = id is null
            ? store.Active(DefaultPurpose, selection.Provider) ?? throw new OpsException(OpsErrorCode.NoActiveKey, $"There is no active {DefaultPurpose} key to rotate.", null, "Name the key to rotate with -Id.")
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

        selection.FollowRotation(old.Id, replacement.Id);
        logger.LogWarning("Rotated key {OldKey} to {NewKey} ({Reason}); the old key verifies until {Until:u}", old.Id, replacement.Id, reason, retired.VerifyUntil);
        return new KeyRotationResult { Retired = retired.ToInfo(now), Replacement = replacement.ToInfo(now) };
    }

    /// <summary>Makes the key named by attest.signing.key_id the active one (on reload and at start), as the runbooks expect.</summary>
    public async Task AlignWithConfigurationAsync(CancellationToken cancellationToken)
    {
        if (selection.ConfiguredButInactive() is { } key)
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

    private KeyProvider DefaultProvider() => selection.Provider;

    private static string RotatedName(string name, DateTimeOffset now)
    {
        var stem = name.Contains("-rot", StringComparison.Ordinal) ? name[..name.LastIndexOf("-rot", StringComparison.Ordinal)] : name;
        return $"{stem}-rot{now:yyyyMMdd}";
    }
}
