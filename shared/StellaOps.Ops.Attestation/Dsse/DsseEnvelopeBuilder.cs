using StellaOps.Ops.Attestation.InToto;
using StellaOps.Ops.Attestation.Signing;
using StellaOps.Ops.Contracts;

namespace StellaOps.Ops.Attestation.Dsse;

/// <summary>Builds signed DSSE envelopes: serializes, computes the PAE once, and collects one signature per signer.</summary>
public static class DsseEnvelopeBuilder
{
    public static Task<DsseEnvelope> SignAsync(InTotoStatement statement, IEnumerable<IDsseSigner> signers, CancellationToken cancellationToken = default)
    {
        ArgumentNullException.ThrowIfNull(statement);
        return SignAsync(DsseEnvelope.InTotoPayloadType, statement.ToJsonBytes(), signers, cancellationToken);
    }

    public static Task<DsseEnvelope> SignAsync(InTotoStatement statement, IDsseSigner signer, CancellationToken cancellationToken = default)
        => SignAsync(statement, [signer], cancellationToken);

    /// <summary>
    /// Signs an arbitrary payload. Every signer's output is checked for wire format (ECDSA must be DER, rsa-3072 384
    /// bytes, ed25519 64 bytes) so that a signer that forgot to convert an HSM's raw r‖s fails here, loudly.
    /// </summary>
    public static async Task<DsseEnvelope> SignAsync(string payloadType, ReadOnlyMemory<byte> payload, IEnumerable<IDsseSigner> signers, CancellationToken cancellationToken = default)
    {
        ArgumentException.ThrowIfNullOrEmpty(payloadType);
        ArgumentNullException.ThrowIfNull(signers);
        var list = signers.ToList();
        if (list.Count == 0) throw new ArgumentException("At least one signer is needed.", nameof(signers));
        var pae = DssePae.Encode(payloadType, payload.Span);
        var signatures = new List<DsseSignature>(list.Count);
        foreach (var signer in list)
        {
            var sig = await signer.SignAsync(pae, cancellationToken).ConfigureAwait(false);
            CheckWireFormat(signer, sig);
            signatures.Add(new DsseSignature(signer.KeyId, sig));
        }
        return new DsseEnvelope(payloadType, payload, signatures);
    }

    /// <summary>
    /// Signs many payloads of one type with one batch signer: the envelopes come back in the payloads' order, every
    /// signature checked for wire format as <see cref="SignAsync(string, ReadOnlyMemory{byte}, IEnumerable{IDsseSigner}, CancellationToken)"/> does.
    /// </summary>
    public static async Task<DsseEnvelope[]> SignManyAsync(string payloadType, IReadOnlyList<ReadOnlyMemory<byte>> payloads, IDsseBatchSigner signer, CancellationToken cancellationToken = default)
    {
        ArgumentException.ThrowIfNullOrEmpty(payloadType);
        ArgumentNullException.ThrowIfNull(payloads);
        ArgumentNullException.ThrowIfNull(signer);
        var paes = payloads.Select(p => DssePae.Encode(payloadType, p.Span)).ToArray();
        var signatures = await signer.SignManyAsync(paes, cancellationToken).ConfigureAwait(false);
        if (signatures.Length != paes.Length)
            throw new InvalidOperationException($"Signer {signer.KeyId} returned {signatures.Length} signatures for {paes.Length} payloads.");
        var envelopes = new DsseEnvelope[paes.Length];
        for (var i = 0; i < paes.Length; i++)
        {
            CheckWireFormat(signer, signatures[i]);
            envelopes[i] = new DsseEnvelope(payloadType, payloads[i], [new DsseSignature(signer.KeyId, signatures[i])]);
        }
        return envelopes;
    }

    /// <summary>
    /// Throws unless <paramref name="sig"/> is in DSSE wire format for the signer's algorithm: a signer that forgot to
    /// convert an HSM's raw r‖s fails here, loudly. Every signing path of the daemon checks with this.
    /// </summary>
    public static void CheckWireFormat(IDsseSigner signer, byte[]? sig)
    {
        if (sig is null || sig.Length == 0)
        {
            throw new InvalidOperationException($"Signer {signer.KeyId} returned an empty signature.");
        }
        if (KeyAlgorithms.IsEcdsa(signer.Algorithm))
        {
            if (!SignatureFormats.IsDerEcdsa(sig, signer.Algorithm))
            {
                throw new InvalidOperationException(
                    $"Signer {signer.KeyId} ({signer.Algorithm.ToName()}) returned a {sig.Length}-byte signature that is not DER; " +
                    "convert raw r‖s with SignatureFormats.P1363ToDer.");
            }
        }
        else if (sig.Length != SignatureFormats.ExpectedLength(signer.Algorithm))
        {
            throw new InvalidOperationException(
                $"Signer {signer.KeyId} ({signer.Algorithm.ToName()}) returned {sig.Length} bytes; expected {SignatureFormats.ExpectedLength(signer.Algorithm)}.");
        }
    }
}
