using System.Security.Cryptography;
using System.Security.Cryptography.X509Certificates;
using Microsoft.Extensions.Logging;
using StellaOps.Ops.Attestation.Certificates;
using StellaOps.Ops.Contracts;
using StellaOps.Ops.Contracts.Rpc;
using StellaOps.Ops.Contracts.Text;
using StellaOps.Ops.Daemon.Attestor;
using StellaOps.Ops.Daemon.Keys;

namespace StellaOps.Ops.Daemon.Trust;

/// <summary>
/// Certificates for signing keys: the CSR (signed by the key itself through the key service), the issued leaf with
/// its chain, the chain rebuilt from the trust store, and each link checked against the trust store only.
/// </summary>
public sealed class KeyCertificateService(
    KeyService keys,
    KeyCertificateStore store,
    TrustAnchorService anchors,
    AttestorService attestations,
    TimeProvider time,
    ILogger<KeyCertificateService> logger)
{
    private const string SetAction = "Request one with New-StellaCertificateRequest -KeyId <key-id> -Subject 'CN=…', have the CA issue it, then Set-StellaKeyCertificate -Id <key-id> -Path <leaf-and-chain.pem>.";

    public async Task<CertificateRequestInfo> CreateRequestAsync(string keyId, string subject, CancellationToken cancellationToken)
    {
        var key = keys.Resolve(keyId);
        if (string.IsNullOrWhiteSpace(subject))
            throw OpsException.InvalidArgument("A subject is required, like 'CN=release signing, O=Example'.", "subject");
        InputText.Check(subject, "certificate subject", InputText.SubjectMaxLength);
        X500DistinguishedName name;
        try { name = new X500DistinguishedName(subject); }
        catch (CryptographicException) { throw OpsException.InvalidArgument($"'{subject}' is not a distinguished name.", "subject", "Write it like 'CN=release signing, O=Example, C=DE'."); }

        using var generator = new KeyServiceSignatureGenerator(keys, key, cancellationToken);
        var request = new CertificateRequest(name, PublicKey.CreateFromSubjectPublicKeyInfo(key.SubjectPublicKeyInfo, out _), generator.Hash,
            key.Algorithm == KeyAlgorithm.Rsa3072 ? RSASignaturePadding.Pkcs1 : null);
        // What the key is for, asked of the CA: signatures (DSSE envelopes), code signing.
        request.CertificateExtensions.Add(new X509KeyUsageExtension(X509KeyUsageFlags.DigitalSignature, critical: true));
        request.CertificateExtensions.Add(new X509EnhancedKeyUsageExtension([new Oid(CertificateFacts.CodeSigningOid)], critical: false));
        // The key service signs asynchronously (an HSM call); CertificateRequest asks synchronously, so off the RPC's thread.
        var der = await Task.Run(() => request.CreateSigningRequest(generator), cancellationToken).ConfigureAwait(false);
        logger.LogInformation("Certificate request made for key {KeyId} with subject {Subject}", key.Id, name.Name);
        return new CertificateRequestInfo { KeyId = key.Id, Subject = name.Name, Pem = new string(PemEncoding.Write("CERTIFICATE REQUEST", der)) + "\n" };
    }

    public KeyCertificateInfo Set(string keyId, KeyCertificateUpload upload)
    {
        var key = keys.Resolve(keyId);
        var certs = Read(upload, key.Id);
        if (certs.Count == 0)
            throw new OpsException(OpsErrorCode.KeyCertificateRefused, "The file holds no '-----BEGIN CERTIFICATE-----' block.", key.Id, "Give the leaf certificate first, then its chain, as PEM.");
        var leaf = certs[0];
        var leafKey = leaf.PublicKey.ExportSubjectPublicKeyInfo();
        if (!leafKey.AsSpan().SequenceEqual(key.SubjectPublicKeyInfo))
        {
            var other = Attestation.Signing.KeyIds.FromSpki(leafKey);
            throw new OpsException(OpsErrorCode.KeyCertificateRefused,
                $"The first certificate ('{leaf.Subject}') carries the public key {other}, not key {key.Id}'s: it is not this key's certificate.", key.Id,
                "Put the key's own certificate first in the file (the one the CA issued for its CSR), then the chain.");
        }
        var record = new KeyCertificateRecord { KeyId = key.Id, Leaf = leaf, Chain = [.. certs.Skip(1)], SetBy = TrustActor.Current, SetAt = time.GetUtcNow() };
        store.Upsert(record);
        logger.LogInformation("Certificate {Subject} set for key {KeyId} with {Links} chain certificates", leaf.Subject, key.Id, record.Chain.Count);
        return record.ToInfo(Warnings(record));
    }

    public KeyCertificateInfo Get(string keyId) => Stored(keys.Resolve(keyId).Id).ToInfo();

    public KeyCertificateChainUpdate UpdateChain(string keyId, KeyCertificateUpload? upload)
    {
        var key = keys.Resolve(keyId);
        var current = Stored(key.Id);
        var given = upload is null ? [] : Read(upload, key.Id);
        var material = anchors.Material();
        var result = CertificateChainEvaluator.Evaluate(current.Leaf, given, material.Roots, [.. material.Intermediates, .. given], time.GetUtcNow());
        var rootIds = material.Roots.Select(CertificatePem.Fingerprint).ToHashSet(StringComparer.Ordinal);
        var pool = given.Concat(material.Intermediates).Concat(current.Chain).GroupBy(CertificatePem.Fingerprint).ToDictionary(g => g.Key, g => g.First());
        // The stored chain is every link above the leaf that is not a trust anchor itself (anchors come from the store).
        var chain = result.Links.Skip(1)
            .Where(l => l.Fingerprint is { } f && !rootIds.Contains(f) && pool.ContainsKey(f))
            .Select(l => pool[l.Fingerprint!])
            .ToList();
        var before = current.Chain.Select(CertificatePem.Fingerprint).ToList();
        var after = chain.Select(CertificatePem.Fingerprint).ToList();
        var added = chain.Where(c => !before.Contains(CertificatePem.Fingerprint(c))).ToList();
        var removed = current.Chain.Where(c => !after.Contains(CertificatePem.Fingerprint(c))).ToList();
        var changed = !before.SequenceEqual(after);
        var record = current;
        if (changed)
        {
            record = current with { Chain = chain, SetBy = TrustActor.Current, SetAt = time.GetUtcNow() };
            store.Upsert(record);
        }
        var words = new List<string>();
        if (added.Count > 0) words.Add("added " + string.Join(", ", added.Select(c => $"'{c.Subject}'")));
        if (removed.Count > 0) words.Add("removed " + string.Join(", ", removed.Select(c => $"'{c.Subject}'")));
        if (!changed) words.Add("the chain is unchanged");
        else if (added.Count == 0 && removed.Count == 0) words.Add("the links were put in order");
        var message = $"Chain of key {key.Id}: {string.Join("; ", words)}. {result.Summary}.";
        if (changed) logger.LogInformation("Certificate chain of key {KeyId} rebuilt: {Message}", key.Id, message);
        return new KeyCertificateChainUpdate
        {
            KeyId = key.Id,
            Changed = changed,
            Added = [.. added.Select(KeyCertificateRecord.Summary)],
            Removed = [.. removed.Select(KeyCertificateRecord.Summary)],
            Certificate = record.ToInfo(Warnings(record)),
            Message = message,
        };
    }

    public CertificateChainReport TestChain(CertificateChainQuery query)
    {
        ArgumentNullException.ThrowIfNull(query);
        if ((query.KeyId is null) == (query.AttestationId is null))
            throw OpsException.InvalidArgument("Name either a key (-KeyId) or an attestation (-AttestationId).", null);
        string keyId;
        string? attestationId = null;
        DateTimeOffset? signedAt = null;
        if (query.AttestationId is { } a)
        {
            var attestation = attestations.Get(a, details: false);
            attestationId = attestation.Id;
            signedAt = attestation.SignedAt;
            keyId = attestation.KeyId ?? throw new OpsException(OpsErrorCode.KeyCertificateNotFound,
                $"Attestation {attestation.Id} is not signed yet ({attestation.Status}), so it has no certificate chain.", attestation.Id,
                "Sign it first: 'stella attest retry <attestation-id>'.");
        }
        else
        {
            keyId = keys.Resolve(query.KeyId!).Id;
        }
        var record = store.Find(keyId) ?? throw new OpsException(OpsErrorCode.KeyCertificateNotFound,
            attestationId is null ? $"Key {keyId} has no certificate." : $"Attestation {attestationId} was signed by key {keyId}, which has no certificate.",
            keyId, SetAction);
        var now = time.GetUtcNow();
        var material = anchors.Material();
        var result = CertificateChainEvaluator.Evaluate(record.Leaf, record.Chain, material.Roots, material.Intermediates, now);
        return new CertificateChainReport
        {
            KeyId = keyId,
            AttestationId = attestationId,
            CheckedAt = now,
            SignedAt = signedAt,
            Valid = result.Valid,
            Summary = result.Summary,
            Links = [.. result.Links.Select(l => l with { KeyId = keyId, AttestationId = attestationId })],
        };
    }

    /// <summary>The key's stored certificate and chain (for verification: a signature's X.509 material), or null.</summary>
    public KeyCertificateRecord? Find(string keyId) => store.Find(keyId);

    private KeyCertificateRecord Stored(string keyId)
        => store.Find(keyId) ?? throw new OpsException(OpsErrorCode.KeyCertificateNotFound, $"Key {keyId} has no certificate.", keyId, SetAction);

    private string[] Warnings(KeyCertificateRecord record)
    {
        var material = anchors.Material();
        var result = CertificateChainEvaluator.Evaluate(record.Leaf, record.Chain, material.Roots, material.Intermediates, time.GetUtcNow());
        return result.Valid ? [] : [$"Stored, but {result.Summary}."];
    }

    private static IReadOnlyList<X509Certificate2> Read(KeyCertificateUpload upload, string keyId)
    {
        ArgumentNullException.ThrowIfNull(upload);
        if (upload.Pem.Length > KeyCertificateUpload.MaxPemLength)
            throw new OpsException(OpsErrorCode.LimitExceeded, $"The PEM is {upload.Pem.Length} characters; a key certificate with its chain takes at most {KeyCertificateUpload.MaxPemLength}.", keyId);
        try { return CertificatePem.ReadAll(upload.Pem); }
        catch (FormatException ex) { throw new OpsException(OpsErrorCode.KeyCertificateRefused, ex.Message, keyId, "Give PEM certificates: the leaf first, then its chain."); }
    }
}
