using System.Globalization;
using Microsoft.Extensions.Logging;
using StellaOps.Ops.Attestation.Dsse;
using StellaOps.Ops.Attestation.Signing;
using StellaOps.Ops.Attestation.Verification;
using StellaOps.Ops.Contracts;
using StellaOps.Ops.Contracts.Rpc;
using StellaOps.Ops.Contracts.Text;
using StellaOps.Ops.Daemon.Ipc;
using StellaOps.Ops.Daemon.Keys;
using StellaOps.Ops.Daemon.Settings;
using StellaOps.Ops.Daemon.Verification;

namespace StellaOps.Ops.Daemon.Trust;

/// <summary>
/// Issuers: named signer identities whose keys come from their signed issuer documents. A document is accepted
/// only when a key already trusted for that issuer signed it (its current keys; for a new issuer a key trust
/// anchor) and it is newer than the last one. An issuer is trusted once <c>issuers.approval.required</c> different
/// operators approved it after its last revocation. This daemon's own issuer (<c>issuers.local.id</c>) is fetched by
/// default from the folder this daemon publishes it to, and its first document may also be vouched for by a key in
/// this daemon's key store: only this daemon can sign with those.
/// </summary>
public sealed class IssuerService(
    IssuerStore store,
    TrustAnchorService anchors,
    IssuerDocumentSource sources,
    IssuerDocumentPublisher localIssuer,
    KeyStore ownKeys,
    SettingsService settings,
    TimeProvider time,
    ILogger<IssuerService> logger)
{
    public const string ApprovalsSetting = "issuers.approval.required";
    private readonly SemaphoreSlim _writes = new(1, 1);
    private readonly Lock _materialGate = new();
    private long _version;
    private IssuerMaterial? _material;

    public IssuerInfo[] List()
    {
        var keys = store.Keys().ToLookup(k => k.IssuerId);
        var approvals = store.Approvals().ToLookup(a => a.IssuerId);
        return [.. store.All().Select(i => ToInfo(i, keys[i.Id].ToList(), approvals[i.Id].ToList()))];
    }

    public IssuerInfo Get(string id)
    {
        var issuer = Resolve(id);
        return ToInfo(issuer, store.Keys(issuer.Id), store.Approvals(issuer.Id));
    }

    public async Task<IssuerInfo> FetchAsync(string id, string? source, CancellationToken cancellationToken)
    {
        id = CheckId(id);
        var known = store.Find(id);
        var local = string.Equals(id, settings.Value(IssuerDocumentPublisher.LocalIdSetting), StringComparison.Ordinal);
        var from = source is { Length: > 0 } s ? IssuerDocumentSource.Normalise(s)
            : known?.Source ?? (local ? localIssuer.Folder : throw OpsException.InvalidArgument(
                $"Issuer '{id}' has not been fetched before, so there is no source to fetch it from (only this daemon's own issuer, '{settings.Value(IssuerDocumentPublisher.LocalIdSetting)}', has a default: the folder it publishes to).", id,
                $"Name where its document is: 'stella issuer keys fetch {id} --source <folder-or-url>' (Update-StellaIssuerKey -Id {id} -Source …)."));
        byte[] bytes;
        try { bytes = await sources.ReadAsync(from, cancellationToken).ConfigureAwait(false); }
        catch (OpsException ex) when (ex.Code == OpsErrorCode.NotFound && local && from == localIssuer.Folder)
        {
            throw OpsException.NotFound($"This daemon has not published the document of its issuer '{id}' yet: there is no {localIssuer.DocumentPath}.", localIssuer.DocumentPath,
                $"Publish a signing key first: 'stella issuer keys publish <key-id>' (Publish-StellaKey) writes it; then run 'stella issuer keys fetch {id}' again. For another daemon's issuer, add --source <folder-or-url>.");
        }
        var now = time.GetUtcNow();

        if (!DsseEnvelope.TryParse(bytes, out var envelope, out var error))
            throw Refused($"The issuer document from {from} is not a DSSE envelope: {error}.", id);
        if (envelope.PayloadType != IssuerDocument.PayloadType)
            throw Refused($"The envelope from {from} carries '{envelope.PayloadType}', not an issuer document ({IssuerDocument.PayloadType}).", id);
        var document = IssuerDocument.TryParse(envelope.Payload.Span, out error) ?? throw Refused($"The issuer document from {from} cannot be read: {error}.", id);
        if (!string.Equals(document.Issuer, id, StringComparison.Ordinal))
            throw Refused($"The document from {from} is issuer '{document.Issuer}''s, not '{id}''s.", id, $"Fetch it as 'stella issuer keys fetch {document.Issuer}'.");

        // Who may vouch for this document: the issuer's own keys (not revoked) once it is known; before that, key anchors.
        var trusted = known is null
            ? local ? [.. anchors.Material().Keys, .. new StoredKeyTrustMaterial(ownKeys).Keys] : anchors.Material().Keys
            : [.. store.Keys(id).Where(k => k.Status != "revoked").Select(k => new TrustedKey(k.Spki, k.NotBefore, k.NotAfter, k.KeyId))];
        var report = new DsseVerifier(trusted.DistinctBy(k => k.KeyId), new DsseVerifierOptions
        {
            ExpectedPayloadType = IssuerDocument.PayloadType,
            RequireStatement = false,
            AllowRawEcdsaSignatures = false,
            TimeProvider = time,
        }).Verify(bytes);
        if (!report.Verified)
        {
            var signedBy = string.Join(", ", envelope.Signatures.Select(sig => sig.KeyId ?? "(no key id)"));
            var whose = known is null ? local ? "a key trust anchor or a key of this daemon" : "a key trust anchor" : $"a current key of issuer '{id}'";
            throw Refused($"The document of issuer '{id}' is not signed by {whose}: signed by {signedBy}. {string.Join("; ", report.Failures.Select(f => f.ToString()))}", id,
                known is null
                    ? $"Check the issuer's key out of band, then trust it with 'stella trust-anchors add-key --key <issuer-key.pem>' and fetch again."
                    : "A rotation document must also be signed by the issuer's previous key; ask the issuer to republish it signed by both.");
        }
        if (known is not null && (document.Version <= known.DocumentVersion || document.IssuedAt < known.DocumentIssuedAt))
            throw new OpsException(OpsErrorCode.IssuerDocumentReplayed,
                $"The document of issuer '{id}' is version {document.Version} of {document.IssuedAt:u}; version {known.DocumentVersion} of {known.DocumentIssuedAt:u} was accepted already: an older or replayed document is refused.",
                id, "Fetch from the issuer's current directory; nothing changed.");

        var keys = new List<IssuerKeyRecord>();
        foreach (var k in document.Keys)
        {
            if (!PublicKeyPem.TryDecode(k.PublicKey, out var spki) || !KeyAlgorithms.TryDetect(spki, out var algorithm, out _))
                throw Refused($"Key {k.KeyId} of the document of issuer '{id}' has no usable public key.", id);
            var keyId = KeyIds.FromSpki(spki);
            if (!string.Equals(keyId, k.KeyId, StringComparison.Ordinal))
                throw Refused($"Key {k.KeyId} of the document of issuer '{id}' has the public key of {keyId}: the document contradicts itself.", id);
            if (k.Status is not ("active" or "retired" or "revoked"))
                throw Refused($"Key {k.KeyId} of the document of issuer '{id}' has the status '{k.Status}' (active, retired or revoked expected).", id);
            keys.Add(new IssuerKeyRecord(id, keyId, algorithm, spki, k.NotBefore, k.NotAfter, k.Status));
        }
        var record = new IssuerRecord
        {
            Id = id,
            Source = from,
            DocumentVersion = document.Version,
            DocumentIssuedAt = document.IssuedAt,
            DocumentSignedBy = [.. report.VerifiedKeyIds],
            Document = bytes,
            FetchedAt = now,
            FetchedBy = TrustActor.Current,
            RevokedAt = known?.RevokedAt,
            RevokedBy = known?.RevokedBy,
            RevocationReason = known?.RevocationReason,
        };
        await _writes.WaitAsync(cancellationToken).ConfigureAwait(false);
        try { store.Accept(record, keys); }
        finally { Changed(); _writes.Release(); }
        logger.LogInformation("Issuer {Issuer} document version {Version} accepted from {Source}, signed by {Signers}; {Keys} keys",
            id, document.Version, from, string.Join(", ", report.VerifiedKeyIds), keys.Count);
        return Get(id);
    }

    public async Task<IssuerInfo> ApproveAsync(string id, string reason, CancellationToken cancellationToken)
    {
        var issuer = Resolve(id);
        var why = CheckReason(reason, "Say why the issuer is trusted (-Reason), e.g. 'Approved by security team'.");
        var caller = CallerContext.Current ?? throw new OpsException(OpsErrorCode.PermissionDenied, "An approval needs a caller.", id);
        await _writes.WaitAsync(cancellationToken).ConfigureAwait(false);
        try { store.AddApproval(new IssuerApprovalRecord(issuer.Id, caller.UserName, caller.UserId, time.GetUtcNow(), why)); }
        finally { Changed(); _writes.Release(); }
        var info = Get(issuer.Id);
        logger.LogInformation("Issuer {Issuer} approved by {Approver}: {Reason}; now {Status} ({Why})", issuer.Id, caller.UserName, why, info.Status, info.Reason);
        return info;
    }

    public async Task<IssuerInfo> RevokeAsync(string id, string reason, CancellationToken cancellationToken)
    {
        var issuer = Resolve(id);
        var why = CheckReason(reason, "Say why the issuer is revoked (-Reason).");
        await _writes.WaitAsync(cancellationToken).ConfigureAwait(false);
        try { store.Revoke(issuer.Id, time.GetUtcNow(), TrustActor.Current, why); }
        finally { Changed(); _writes.Release(); }
        logger.LogWarning("Issuer {Issuer} revoked by {Actor}: {Reason}", issuer.Id, TrustActor.Current, why);
        return Get(issuer.Id);
    }

    /// <summary>
    /// Every issuer with its verdict, and the keys of the trusted ones with their windows, for verification. Built once
    /// per change (a fetch, an approval, a revocation, another approval rule), as a verifier reads it for every envelope.
    /// </summary>
    public IssuerMaterial Material()
    {
        var required = settings.Value(ApprovalsSetting);
        long version;
        lock (_materialGate)
        {
            if (_material is { } cached && cached.ApprovalsRequired == required) return cached;
            version = _version;
        }
        var infos = List();
        var built = new IssuerMaterial(
            required,
            [.. infos.Select(i => new TrustedIssuer(i.Id, [.. i.Keys.Select(k => k.KeyId)], i.Trusted, i.Reason))],
            [.. store.Keys()
                .Where(k => k.Status != "revoked" && infos.Any(i => i.Trusted && i.Id == k.IssuerId))
                .DistinctBy(k => k.KeyId)
                .Select(k => new TrustedKey(k.Spki, k.NotBefore, k.NotAfter, k.KeyId))]);
        // A change committed while this was built leaves the cache empty, so the next read sees it.
        lock (_materialGate) if (_version == version) _material = built;
        return built;
    }

    private void Changed()
    {
        lock (_materialGate)
        {
            _version++;
            _material = null;
        }
    }

    private IssuerRecord Resolve(string id)
    {
        var key = CheckId(id);
        return store.Find(key) ?? throw new OpsException(OpsErrorCode.IssuerNotFound, $"There is no issuer '{id}'.", id,
            $"Fetch its document first: 'stella issuer keys fetch {key} --source <folder-or-url>' (Update-StellaIssuerKey).");
    }

    private IssuerInfo ToInfo(IssuerRecord issuer, IReadOnlyList<IssuerKeyRecord> keys, IReadOnlyList<IssuerApprovalRecord> approvals)
    {
        var now = time.GetUtcNow();
        var required = int.Parse(settings.Value(ApprovalsSetting), CultureInfo.InvariantCulture);
        bool Counts(IssuerApprovalRecord a) => issuer.RevokedAt is not { } r || a.ApprovedAt > r;
        var counted = approvals.Where(Counts).GroupBy(a => a.ApproverUid).Select(g => g.First()).ToList();
        var trusted = counted.Count >= required;
        var status = trusted ? IssuerStatus.Trusted : issuer.RevokedAt is not null ? IssuerStatus.Revoked : IssuerStatus.PendingApproval;
        var names = string.Join(", ", counted.Select(a => a.Approver));
        var reason = status switch
        {
            IssuerStatus.Trusted => $"approved by {counted.Count} of {required} required operator{(required == 1 ? "" : "s")} ({names})",
            IssuerStatus.Revoked => $"issuer not trusted: revoked by {issuer.RevokedBy} on {issuer.RevokedAt:u} ({issuer.RevocationReason})",
            _ => counted.Count == 0
                ? $"issuer not trusted: not approved yet ({required} different operator{(required == 1 ? "" : "s")} must approve: 'stella issuer trust {issuer.Id} --reason \"…\"')"
                : $"issuer not trusted: approved by {counted.Count} of {required} required different operators ({names}); {required - counted.Count} more needed from another operator",
        };
        return new IssuerInfo
        {
            Id = issuer.Id,
            Status = status,
            Reason = reason,
            ApprovalCount = counted.Count,
            ApprovalsRequired = required,
            Keys = [.. keys.Select(k => new IssuerKeyInfo
            {
                KeyId = k.KeyId,
                Algorithm = k.Algorithm,
                NotBefore = k.NotBefore,
                NotAfter = k.NotAfter,
                Status = k.Status switch
                {
                    "revoked" => IssuerKeyStatus.Revoked,
                    _ when k.NotAfter is { } end && now > end => IssuerKeyStatus.Expired,
                    "retired" => IssuerKeyStatus.Retired,
                    _ => IssuerKeyStatus.Active,
                },
                Pem = PublicKeyPem.Encode(k.Spki),
            })],
            Approvals = [.. approvals.Select(a => new IssuerApprovalInfo { ApprovedBy = a.Approver, ApproverUid = a.ApproverUid, ApprovedAt = a.ApprovedAt, Reason = a.Reason, Counts = Counts(a) })],
            Source = issuer.Source,
            DocumentVersion = issuer.DocumentVersion,
            DocumentIssuedAt = issuer.DocumentIssuedAt,
            DocumentSignedBy = issuer.DocumentSignedBy,
            FetchedAt = issuer.FetchedAt,
            RevokedAt = issuer.RevokedAt,
            RevokedBy = issuer.RevokedBy,
            RevocationReason = issuer.RevocationReason,
        };
    }

    private static string CheckId(string id)
    {
        var trimmed = id?.Trim() ?? "";
        if (trimmed.Length == 0) throw OpsException.InvalidArgument("An issuer id is required.", null, "List issuers with Get-StellaIssuer.");
        InputText.Check(trimmed, "issuer id", InputText.NameMaxLength);
        return trimmed;
    }

    private static string CheckReason(string reason, string action)
    {
        if (string.IsNullOrWhiteSpace(reason)) throw OpsException.InvalidArgument("A reason is required.", "reason", action);
        InputText.Check(reason, "reason", InputText.ReasonMaxLength);
        return reason.Trim();
    }

    private static OpsException Refused(string message, string target, string? action = null)
        => new(OpsErrorCode.IssuerDocumentRefused, message, target, action ?? "Fetch the issuer's document from its own directory.");
}
