using Microsoft.Extensions.Logging;
using StellaOps.Ops.Attestation.Dsse;
using StellaOps.Ops.Attestation.Signing;
using StellaOps.Ops.Contracts;
using StellaOps.Ops.Contracts.Rpc;
using StellaOps.Ops.Daemon.Attestor;
using StellaOps.Ops.Daemon.Keys;
using StellaOps.Ops.Daemon.Settings;

namespace StellaOps.Ops.Daemon.Trust;

/// <summary>
/// Writes this daemon's issuer document (<c>issuers/local/issuer.json</c> in the state directory) when a key is
/// published: every published key with its window and status, signed by the current signing key and, while it is
/// inside its verification overlap, by the key that one replaced, so readers who trust the old key accept the new.
/// </summary>
public sealed class IssuerDocumentPublisher(KeyService keys, KeyStore store, SigningKeySelection selection, SettingsService settings, ILogger<IssuerDocumentPublisher> logger)
{
    public const string LocalIdSetting = "issuers.local.id";

    /// <summary>The folder holding this daemon's issuer document: where <c>stella issuer keys fetch</c> reads its own issuer by default.</summary>
    public string Folder => Path.GetDirectoryName(keys.IssuerDirectory)!;

    public string DocumentPath => Path.Combine(Folder, IssuerDocument.FileName);

    /// <param name="publishedKeyId">The key just published: it signs when there is no current signing key.</param>
    public async Task<string> PublishAsync(string publishedKeyId, CancellationToken cancellationToken)
    {
        var now = keys.Now;
        var all = keys.List(new KeyQuery());
        var published = all.Where(k => k.PublishedAt is not null).ToList();
        var document = new IssuerDocument
        {
            Issuer = settings.Value(LocalIdSetting),
            Version = PreviousVersion() + 1,
            IssuedAt = now,
            Keys = [.. published.Select(k => new IssuerDocumentKey
            {
                KeyId = k.Id,
                Algorithm = k.Algorithm.ToName(),
                PublicKey = keys.PublicKey(k.Id).Pem,
                NotBefore = k.NotBefore,
                NotAfter = k.VerifyUntil,
                Status = k.Status switch { KeyStatus.Revoked => "revoked", KeyStatus.Retired => "retired", _ => "active" },
            })],
        };
        var signers = Signers(publishedKeyId, now);
        var envelope = await DsseEnvelopeBuilder.SignAsync(IssuerDocument.PayloadType, document.ToJson(), signers, cancellationToken).ConfigureAwait(false);
        var path = DocumentPath;
        Directory.CreateDirectory(Path.GetDirectoryName(path)!);
        var temp = path + ".tmp";
        await File.WriteAllBytesAsync(temp, envelope.ToJsonBytes(), cancellationToken).ConfigureAwait(false);
        File.Move(temp, path, overwrite: true);
        logger.LogInformation("Issuer document {Issuer} version {Version} written to {Path}, signed by {Signers}",
            document.Issuer, document.Version, path, string.Join(", ", signers.Select(s => s.KeyId)));
        return path;
    }

    private List<IDigestSigner> Signers(string publishedKeyId, DateTimeOffset now)
    {
        KeyRecord current;
        try { current = selection.Resolve(); }
        catch (OpsException) { current = keys.Resolve(publishedKeyId); }
        var signers = new List<IDigestSigner> { keys.Signer(current) };
        if (current.Replaces is { } previousId && store.All().FirstOrDefault(k => k.Id == previousId) is { } previous
            && previous.StoredStatus == KeyStatus.Retired && now <= previous.VerifyUntil && now < previous.ExpiresAt)
        {
            // The key service refuses a retired key for attestations. Inside its overlap the old key may still vouch
            // for its replacement, and that continuity signature is the point of a rotation document: it signs as the
            // key it was, for this one envelope.
            signers.Add(keys.Signer(previous with { StoredStatus = KeyStatus.Inactive }));
        }
        return signers;
    }

    private long PreviousVersion()
    {
        try
        {
            var bytes = File.ReadAllBytes(DocumentPath);
            if (!DsseEnvelope.TryParse(bytes, out var envelope, out _)) return 0;
            return IssuerDocument.TryParse(envelope.Payload.Span, out _)?.Version ?? 0;
        }
        catch (IOException) { return 0; }
        catch (UnauthorizedAccessException) { return 0; }
    }
}
