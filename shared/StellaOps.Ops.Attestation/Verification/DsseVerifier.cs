using StellaOps.Ops.Attestation.Dsse;
using StellaOps.Ops.Attestation.InToto;
using StellaOps.Ops.Attestation.Signing;
using StellaOps.Ops.Contracts;

namespace StellaOps.Ops.Attestation.Verification;

/// <summary>
/// Verifies DSSE envelopes against a set of trusted public keys and reports each check. Never throws for a bad
/// envelope: malformed input, unknown keys and bad signatures are failed checks in the report.
/// </summary>
public sealed class DsseVerifier
{
    private readonly Dictionary<string, TrustedKey> _keys;
    private readonly DsseVerifierOptions _options;

    public DsseVerifier(IEnumerable<TrustedKey> trustedKeys, DsseVerifierOptions? options = null)
    {
        ArgumentNullException.ThrowIfNull(trustedKeys);
        _options = options ?? new DsseVerifierOptions();
        if (_options.Threshold < 1) throw new ArgumentOutOfRangeException(nameof(options), "Threshold must be at least 1.");
        _keys = new Dictionary<string, TrustedKey>(StringComparer.Ordinal);
        foreach (var key in trustedKeys)
        {
            if (!_keys.TryAdd(key.KeyId, key)) throw new ArgumentException($"Key {key.KeyId} is trusted twice.", nameof(trustedKeys));
        }
    }

    public IReadOnlyCollection<TrustedKey> TrustedKeys => _keys.Values;

    public VerificationReport Verify(string envelopeJson, DateTimeOffset? signedAt = null)
        => Verify(System.Text.Encoding.UTF8.GetBytes(envelopeJson ?? ""), signedAt);

    /// <param name="envelopeJson">The envelope JSON as received.</param>
    /// <param name="signedAt">
    /// When the envelope was signed (from a trusted timestamp or log entry). Keys are checked against their window at
    /// this time; without it they are checked at the current time.
    /// </param>
    public VerificationReport Verify(ReadOnlySpan<byte> envelopeJson, DateTimeOffset? signedAt = null)
    {
        if (!DsseEnvelope.TryParse(envelopeJson, out var envelope, out var error))
        {
            var checks = new List<VerificationCheck>
            {
                new(VerificationCheckNames.EnvelopeWellFormed, CheckOutcome.Fail, error),
                new(VerificationCheckNames.PayloadType, CheckOutcome.Skipped, "no envelope"),
                new(VerificationCheckNames.StatementParse, CheckOutcome.Skipped, "no envelope"),
                new(VerificationCheckNames.SignatureThreshold, CheckOutcome.Fail, "no envelope"),
            };
            return new VerificationReport(checks, false, null, null, []);
        }
        return Verify(envelope, signedAt);
    }

    public VerificationReport Verify(DsseEnvelope envelope, DateTimeOffset? signedAt = null)
    {
        ArgumentNullException.ThrowIfNull(envelope);
        var checks = new List<VerificationCheck>();
        var ok = true;

        if (envelope.Signatures.Count == 0)
        {
            checks.Add(new(VerificationCheckNames.EnvelopeWellFormed, CheckOutcome.Fail, "The envelope has no signatures."));
            ok = false;
        }
        else
        {
            checks.Add(new(VerificationCheckNames.EnvelopeWellFormed, CheckOutcome.Pass,
                $"{envelope.Signatures.Count} signature(s), {envelope.Payload.Length}-byte payload"));
        }

        var isInToto = envelope.PayloadType == DsseEnvelope.InTotoPayloadType;
        if (_options.ExpectedPayloadType is { } expected && envelope.PayloadType != expected)
        {
            checks.Add(new(VerificationCheckNames.PayloadType, CheckOutcome.Fail, $"payloadType is '{envelope.PayloadType}'; expected '{expected}'"));
            ok = false;
        }
        else
        {
            checks.Add(new(VerificationCheckNames.PayloadType, CheckOutcome.Pass, envelope.PayloadType));
        }

        InTotoStatement? statement = null;
        if (isInToto || _options.RequireStatement)
        {
            if (InTotoStatement.TryParse(envelope.Payload.Span, out statement, out var statementError))
            {
                checks.Add(new(VerificationCheckNames.StatementParse, CheckOutcome.Pass,
                    $"{statement.Subjects.Count} subject(s), predicateType {statement.PredicateType}"));
            }
            else
            {
                checks.Add(new(VerificationCheckNames.StatementParse, CheckOutcome.Fail, statementError));
                ok = false;
            }
        }
        else
        {
            checks.Add(new(VerificationCheckNames.StatementParse, CheckOutcome.Skipped, "payload is not an in-toto statement and none is required"));
        }

        var pae = envelope.PreAuthenticationEncoding();
        var now = _options.TimeProvider.GetUtcNow();
        var verifiedKeys = new List<string>();
        for (var i = 0; i < envelope.Signatures.Count; i++)
        {
            var good = CheckSignature(i, envelope.Signatures[i], pae, signedAt, now, checks, out var keyId);
            if (good && keyId is not null && !verifiedKeys.Contains(keyId)) verifiedKeys.Add(keyId);
        }

        if (verifiedKeys.Count >= _options.Threshold)
        {
            checks.Add(new(VerificationCheckNames.SignatureThreshold, CheckOutcome.Pass,
                $"{verifiedKeys.Count} trusted key(s) verified; {_options.Threshold} required"));
        }
        else
        {
            checks.Add(new(VerificationCheckNames.SignatureThreshold, CheckOutcome.Fail,
                $"{verifiedKeys.Count} trusted key(s) verified; {_options.Threshold} required"));
            ok = false;
        }

        return new VerificationReport(checks, ok, envelope, statement, verifiedKeys);
    }

    private bool CheckSignature(int index, DsseSignature signature, byte[] pae, DateTimeOffset? signedAt, DateTimeOffset now, List<VerificationCheck> checks, out string? keyId)
    {
        keyId = signature.KeyId;
        TrustedKey? key;
        string validReason;
        if (!string.IsNullOrEmpty(signature.KeyId))
        {
            if (!_keys.TryGetValue(signature.KeyId, out key))
            {
                checks.Add(new(VerificationCheckNames.KeyFound, CheckOutcome.Fail, $"keyid {signature.KeyId} is not a trusted key", index, signature.KeyId));
                checks.Add(new(VerificationCheckNames.SignatureValid, CheckOutcome.Skipped, "no trusted key", index, signature.KeyId));
                checks.Add(new(VerificationCheckNames.KeyTrustedAtSigningTime, CheckOutcome.Skipped, "no trusted key", index, signature.KeyId));
                return false;
            }
            checks.Add(new(VerificationCheckNames.KeyFound, CheckOutcome.Pass, $"{key.Algorithm.ToName()} key {key.KeyId}", index, key.KeyId));
            if (VerifySignature(key, pae, signature.Signature, _options.AllowRawEcdsaSignatures, out validReason))
            {
                checks.Add(new(VerificationCheckNames.SignatureValid, CheckOutcome.Pass, validReason, index, key.KeyId));
            }
            else
            {
                checks.Add(new(VerificationCheckNames.SignatureValid, CheckOutcome.Fail, validReason, index, key.KeyId));
                checks.Add(new(VerificationCheckNames.KeyTrustedAtSigningTime, CheckOutcome.Skipped, "signature did not verify", index, key.KeyId));
                return false;
            }
        }
        else
        {
            // DSSE keyids are optional: try every trusted key.
            key = null;
            validReason = "";
            foreach (var candidate in _keys.Values)
            {
                if (VerifySignature(candidate, pae, signature.Signature, _options.AllowRawEcdsaSignatures, out var reason))
                {
                    key = candidate;
                    validReason = reason;
                    break;
                }
            }
            if (key is null)
            {
                checks.Add(new(VerificationCheckNames.KeyFound, CheckOutcome.Fail, $"no keyid, and none of the {_keys.Count} trusted key(s) verifies the signature", index));
                checks.Add(new(VerificationCheckNames.SignatureValid, CheckOutcome.Skipped, "no trusted key", index));
                checks.Add(new(VerificationCheckNames.KeyTrustedAtSigningTime, CheckOutcome.Skipped, "no trusted key", index));
                return false;
            }
            keyId = key.KeyId;
            checks.Add(new(VerificationCheckNames.KeyFound, CheckOutcome.Pass, $"no keyid; matched {key.Algorithm.ToName()} key {key.KeyId} by trial", index, key.KeyId));
            checks.Add(new(VerificationCheckNames.SignatureValid, CheckOutcome.Pass, validReason, index, key.KeyId));
        }

        var trusted = CheckWindow(key, signedAt, now, out var windowReason);
        checks.Add(new(VerificationCheckNames.KeyTrustedAtSigningTime, trusted ? CheckOutcome.Pass : CheckOutcome.Fail, windowReason, index, key.KeyId));
        return trusted;
    }

    private static bool CheckWindow(TrustedKey key, DateTimeOffset? signedAt, DateTimeOffset now, out string reason)
    {
        if (!key.HasValidityWindow)
        {
            reason = "key has no validity window";
            return true;
        }
        var at = signedAt ?? now;
        var which = signedAt is null ? "no signing time given; verification time" : "signing time";
        if (key.NotBefore is { } nb && at < nb)
        {
            reason = $"{which} {at:O} is before the key's notBefore {nb:O} (window {key.DescribeWindow()})";
            return false;
        }
        if (key.NotAfter is { } na && at > na)
        {
            reason = $"{which} {at:O} is after the key's notAfter {na:O} (window {key.DescribeWindow()})";
            return false;
        }
        reason = $"{which} {at:O} is inside the key's window {key.DescribeWindow()}";
        return true;
    }

    /// <summary>
    /// Verifies one DSSE signature over <paramref name="pae"/> with <paramref name="key"/> (see
    /// <see cref="PublicKeyVerifier"/> for what each algorithm accepts). Raw r‖s ECDSA only with
    /// <paramref name="allowRawEcdsa"/>, which weakens the check. Never throws for a bad signature.
    /// </summary>
    public static bool VerifySignature(TrustedKey key, ReadOnlySpan<byte> pae, ReadOnlySpan<byte> signature, bool allowRawEcdsa, out string reason)
    {
        ArgumentNullException.ThrowIfNull(key);
        if (!PublicKeyVerifier.TryCreate(key.SubjectPublicKeyInfo, key.Algorithm, out var verifier, out reason)) return false;
        using (verifier)
        {
            return verifier!.Verify(pae, signature, allowRawEcdsa, out reason);
        }
    }
}
