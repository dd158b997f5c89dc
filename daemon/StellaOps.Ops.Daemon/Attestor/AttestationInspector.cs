using System.Security.Cryptography;
using StellaOps.Ops.Attestation.Dsse;
using StellaOps.Ops.Attestation.Sigstore;
using StellaOps.Ops.Attestation.Verification;
using StellaOps.Ops.Daemon.Verification;
using StellaOps.Ops.Contracts;
using StellaOps.Ops.Contracts.Rpc;
using StellaOps.Ops.Daemon.Keys;

namespace StellaOps.Ops.Daemon.Attestor;

/// <summary>Integrity checks of stored attestations and their export as DSSE envelope or Sigstore bundle files.</summary>
public sealed class AttestationInspector(AttestorService attestor, AttestationStore store, KeyService keys, IEnumerable<IAttestationLogEvidence>? logEvidence = null)
{
    private readonly IAttestationLogEvidence[] _logEvidence = [.. logEvidence ?? []];

    public const string DsseMediaType = "application/vnd.dsse.envelope.v1+json";

    public IntegrityResult[] CheckIntegrity(string[] ids)
    {
        if (ids is null || ids.Length == 0)
            throw OpsException.InvalidArgument("Name the attestations to check.", "ids", "Run 'stella attest integrity-check <attestation-id>'.");
        return [.. ids.Select(id => Check(store.Find(attestor.ResolveId(id))!))];
    }

    public IntegrityResult Check(AttestationRecord row)
    {
        var checks = new List<IntegrityCheck>();
        void Add(string name, bool passed, string message) => checks.Add(new IntegrityCheck { Name = name, Passed = passed, Message = message });

        var digest = "sha256:" + Convert.ToHexStringLower(SHA256.HashData(row.Statement));
        Add("statement-digest", digest == row.StatementDigest,
            digest == row.StatementDigest ? $"the stored statement hashes to {digest}" : $"the stored statement hashes to {digest}, but {row.StatementDigest} was recorded: the evidence was changed");
        if (row.Signature is null && row.LegacyEnvelope is null)
        {
            Add("envelope-payload", false, $"no envelope: the attestation is {row.Status.ToString().ToLowerInvariant()}; sign it with '{SigningAdvice.RetryCommand}'");
            return new IntegrityResult { Id = row.Id, Intact = false, Status = row.Status, Checks = checks };
        }
        DsseEnvelope envelope;
        if (row.Signature is not null)
        {
            // Stored once: the envelope is the stored statement with its signature, so what it carries is what was
            // recorded exactly when the statement still hashes to the digest recorded with it.
            envelope = row.SignedEnvelope()!;
            var same = digest == row.StatementDigest;
            Add("envelope-payload", same, same ? "the envelope carries exactly the stored statement" : "the envelope's payload (the stored statement) is not the statement that was recorded and signed");
        }
        else
        {
            if (!DsseEnvelope.TryParse(row.LegacyEnvelope, out var legacy, out var error))
            {
                Add("envelope-payload", false, $"the stored envelope does not parse: {error}");
                return new IntegrityResult { Id = row.Id, Intact = false, Status = row.Status, Checks = checks };
            }
            envelope = legacy;
            var same = envelope.Payload.Span.SequenceEqual(row.Statement);
            Add("envelope-payload", same, same ? "the envelope carries exactly the stored statement" : "the envelope's payload differs from the stored statement");
        }
        var typeOk = envelope.PayloadType == DsseEnvelope.InTotoPayloadType;
        Add("payload-type", typeOk, typeOk ? envelope.PayloadType : $"payloadType is '{envelope.PayloadType}', expected '{DsseEnvelope.InTotoPayloadType}'");

        var keyId = envelope.Signatures[0].KeyId ?? row.KeyId;
        KeyRecord? key = null;
        try { key = keyId is null ? null : keys.Resolve(keyId); }
        catch (OpsException) { }
        Add("key-known", key is not null && key.Id == row.KeyId,
            key is null ? $"the signing key {keyId} is not in the key store" : key.Id == row.KeyId ? $"{key.Algorithm.ToName()} key {key.Id} ({key.Name})" : $"the envelope names key {key.Id}, the record {row.KeyId}");
        if (key is null)
            Add("signature", false, "cannot verify without the key");
        else
        {
            var valid = DsseVerifier.VerifySignature(key.ToTrustedKey(), envelope.PreAuthenticationEncoding(), envelope.Signatures[0].Signature, allowRawEcdsa: false, out var reason);
            Add("signature", valid, reason);
        }
        return new IntegrityResult { Id = row.Id, Intact = checks.All(c => c.Passed), Status = row.Status, Checks = checks };
    }

    public AttestationExport Export(string id, AttestationExportFormat format)
    {
        var row = store.Find(attestor.ResolveId(id))!;
        if (row.SignedEnvelope() is not { } envelope || row.KeyId is null)
            throw new OpsException(OpsErrorCode.Conflict, $"Attestation {row.Id} is {row.Status.ToString().ToLowerInvariant()} and has no signature to export yet.", row.Id,
                $"Sign it first: '{SigningAdvice.RetryCommand}' (or 'stella attest resign {row.Id}').");
        return format switch
        {
            AttestationExportFormat.Dsse => new AttestationExport
            {
                Id = row.Id, Format = format, MediaType = DsseMediaType, Content = envelope.ToJson(), SuggestedFileName = $"{row.Id}.dsse.json",
            },
            AttestationExportFormat.SigstoreBundle => new AttestationExport
            {
                Id = row.Id, Format = format, MediaType = SigstoreBundle.MediaTypeV03,
                Content = WithLogEvidence(SigstoreBundle.FromEnvelope(envelope, row.KeyId), row.Id).ToJson(), SuggestedFileName = $"{row.Id}.sigstore.json",
            },
            _ => throw OpsException.InvalidArgument($"Unknown export format {format}.", "format", "Use Dsse or SigstoreBundle."),
        };
    }

    /// <summary>The bundle with the attestation's verified log entries (v0.3 tlogEntries) and v2's timestamps, when it has any.</summary>
    private SigstoreBundle WithLogEvidence(SigstoreBundle bundle, string id)
    {
        var entries = new List<System.Text.Json.JsonElement>();
        var timestamps = new List<byte[]>();
        foreach (var source in _logEvidence)
        {
            var (e, t) = source.Of(id);
            entries.AddRange(e);
            timestamps.AddRange(t);
        }
        return entries.Count == 0 ? bundle : bundle.WithLogEvidence(entries, timestamps);
    }
}
