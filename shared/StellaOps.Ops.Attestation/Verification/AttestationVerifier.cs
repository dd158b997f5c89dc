using System.Formats.Asn1;
using System.Globalization;
using System.Security.Cryptography;
using System.Security.Cryptography.Pkcs;
using System.Security.Cryptography.X509Certificates;
using StellaOps.Ops.Attestation.Dsse;
using StellaOps.Ops.Attestation.InToto;
using StellaOps.Ops.Attestation.Signing;
using StellaOps.Ops.Contracts;
using StellaOps.Ops.Contracts.Rpc;
using static StellaOps.Ops.Attestation.Verification.CertificateChainVerifier;

namespace StellaOps.Ops.Attestation.Verification;

/// <summary>
/// Verifies attestations (a DSSE envelope, alone or in a Sigstore bundle v0.1–v0.3 with a key hint or an X.509
/// certificate and chain) against one snapshot of trust material, and reports every check on its own with the
/// runbook's name for what failed. Built once per batch: the trust material is read when it is constructed and
/// each key is imported into its crypto provider once. Each call takes its policy. Never throws for bad input.
/// </summary>
public sealed class AttestationVerifier : IDisposable
{
    private readonly Dictionary<string, TrustedKey> _keys = new(StringComparer.Ordinal);
    private readonly Dictionary<string, TrustedIssuer> _issuerByKey = new(StringComparer.Ordinal);
    private readonly HashSet<string> _issuerIds = new(StringComparer.Ordinal);
    private readonly CertificateChainVerifier _chains;
    private readonly AttestationVerifierOptions _options;
    private readonly Dictionary<string, PublicKeyVerifier> _verifiers = new(StringComparer.Ordinal);
    private readonly Lock _gate = new();

    public AttestationVerifier(ITrustMaterial trust, AttestationVerifierOptions? options = null)
    {
        ArgumentNullException.ThrowIfNull(trust);
        _options = options ?? new AttestationVerifierOptions();
        foreach (var key in trust.Keys) _keys.TryAdd(key.KeyId, key);
        foreach (var issuer in trust.Issuers)
        {
            _issuerIds.Add(issuer.Id);
            foreach (var keyId in issuer.KeyIds) _issuerByKey.TryAdd(keyId, issuer);
        }
        _chains = new CertificateChainVerifier(trust.Certificates);
        _transparencyLogs = trust.TransparencyLogs;
    }

    private readonly IReadOnlyList<Sigstore.TransparencyLogInstance> _transparencyLogs;

    /// <summary>Reads a DSSE envelope or Sigstore bundle (JSON) and verifies it; <paramref name="source"/> names it in the result.</summary>
    public AttestationVerification Verify(ReadOnlySpan<byte> json, string source, VerificationPolicy? policy = null)
        => Verify(SignedAttestation.Read(json), source, policy);

    public AttestationVerification Verify(SignedAttestation input, string source, VerificationPolicy? policy = null, string? attestationId = null)
    {
        ArgumentNullException.ThrowIfNull(input);
        policy ??= new VerificationPolicy();
        var run = new Run(source, attestationId, input.Format);
        // Until the signing-time check runs (it does not for input that is no envelope), the time is the verifier's own.
        run.SetTime(_options.TimeProvider.GetUtcNow(), SigningTimeSource.CurrentTime, "not determined: the input was not checked that far; the current time");
        try
        {
            Check(input, policy, run);
        }
        catch (Exception e) when (e is CryptographicException or ArgumentException or FormatException or InvalidOperationException)
        {
            // Input a parser accepted but a provider refused: a failed check, never an exception for the caller.
            run.Add(Fail(VerificationNames.EnvelopeWellFormed, OpsErrorCode.InvalidAttestation, $"the input could not be checked: {e.Message}"));
        }
        return run.Result();
    }

    private void Check(SignedAttestation input, VerificationPolicy policy, Run run)
    {
        // 1. Envelope and statement.
        if (input.Envelope is not { } envelope)
        {
            run.Add(Fail(VerificationNames.EnvelopeWellFormed, OpsErrorCode.InvalidAttestation, input.Error ?? "no envelope"));
            run.SkipRest("no envelope");
            return;
        }
        if (envelope.PayloadType != DsseEnvelope.InTotoPayloadType)
        {
            run.Add(Fail(VerificationNames.EnvelopeWellFormed, OpsErrorCode.InvalidAttestation,
                $"payloadType is '{envelope.PayloadType}'; an attestation carries '{DsseEnvelope.InTotoPayloadType}'"));
            run.SkipRest("not an in-toto envelope");
            return;
        }
        run.Add(Pass(VerificationNames.EnvelopeWellFormed, $"{input.Format}: {envelope.Signatures.Count} signature(s), {envelope.Payload.Length}-byte payload"));

        if (InTotoStatement.TryParse(envelope.Payload.Span, out var statement, out var statementError))
        {
            run.Statement = statement;
            run.Add(Pass(VerificationNames.Statement, $"in-toto Statement v1, {statement.Subjects.Count} subject(s), predicateType {statement.PredicateType}"));
        }
        else
        {
            run.Add(Fail(VerificationNames.Statement, OpsErrorCode.InvalidAttestation, $"the payload is not an in-toto Statement v1: {statementError}"));
        }
        run.Add(CheckSubject(statement, policy.ExpectedSubjectDigest));

        // 2. Who signed: a certificate's key, or a trusted key named by keyid / hint (or found by trial).
        X509Certificate2? leaf = null;
        List<X509Certificate2> carried = [];
        byte[]? spki;
        TrustedKey? trusted;
        DsseSignature signature;
        if (input.Certificates.Count > 0)
        {
            try
            {
                leaf = X509CertificateLoader.LoadCertificate(input.Certificates[0]);
                carried = [.. input.Certificates.Skip(1).Select(der => X509CertificateLoader.LoadCertificate(der))];
            }
            catch (CryptographicException e)
            {
                run.Add(Fail(VerificationNames.KeyKnown, OpsErrorCode.InvalidAttestation, $"the bundle's certificate is not X.509 DER: {e.Message}"));
                run.SkipRest("no certificate");
                return;
            }
            spki = leaf.PublicKey.ExportSubjectPublicKeyInfo();
            run.KeyId = KeyIds.FromSpki(spki);
            trusted = _keys.GetValueOrDefault(run.KeyId);
            signature = envelope.Signatures[0];
            run.Add(Pass(VerificationNames.KeyKnown, $"the certificate '{leaf.Subject}' (serial {leaf.SerialNumber}) carries key {run.KeyId}; it is trusted through its chain",
                new Dictionary<string, string> { ["keyId"] = run.KeyId, ["certificate"] = leaf.Subject, ["issuer"] = leaf.Issuer }));
        }
        else
        {
            (signature, trusted) = ChooseSignature(envelope, input.KeyHint);
            run.KeyId = trusted?.KeyId ?? signature.KeyId ?? input.KeyHint;
            spki = trusted?.SubjectPublicKeyInfo;
            if (trusted is null)
            {
                run.Add(Fail(VerificationNames.KeyKnown, OpsErrorCode.TrustAnchorNotFound,
                    run.KeyId is null ? $"the signature names no key, and none of the {_keys.Count} trusted key(s) verifies it"
                                      : $"key {run.KeyId} is in no trust source ({_keys.Count} trusted key(s))",
                    new Dictionary<string, string> { ["keyId"] = run.KeyId ?? "(none)" }));
            }
            else
            {
                run.Add(Pass(VerificationNames.KeyKnown, $"{trusted.Algorithm.ToName()} key {trusted.KeyId}{(trusted.Source.Length > 0 ? $" from {trusted.Source}" : "")}",
                    new Dictionary<string, string> { ["keyId"] = trusted.KeyId, ["window"] = trusted.DescribeWindow(), ["source"] = trusted.Source }));
            }
        }

        // 3. Algorithm and signature.
        PublicKeyVerifier? verifier = null;
        if (spki is null)
        {
            run.Add(Skip(VerificationNames.AlgorithmSupported, "no key to judge"));
            run.Add(Skip(VerificationNames.Signature, "no trusted key"));
        }
        else if (!TryAlgorithm(trusted, leaf, spki, out var algorithm, out var algorithmError))
        {
            run.Add(Fail(VerificationNames.AlgorithmSupported, OpsErrorCode.AlgorithmNotSupported, algorithmError));
            run.Add(Skip(VerificationNames.Signature, "algorithm not supported"));
        }
        else if ((verifier = VerifierFor((leaf is null ? "key:" : "certificate:") + run.KeyId, spki, algorithm, out var providerError)) is null)
        {
            run.Algorithm = algorithm;
            run.Add(Fail(VerificationNames.AlgorithmSupported, OpsErrorCode.AlgorithmNotSupported, providerError));
            run.Add(Skip(VerificationNames.Signature, "algorithm not supported"));
        }
        else
        {
            run.Algorithm = algorithm;
            run.Add(Pass(VerificationNames.AlgorithmSupported, $"{algorithm.ToName()} by {PublicKeyVerifier.ProviderOf(algorithm)}"));
            var pae = envelope.PreAuthenticationEncoding();
            var good = verifier.Verify(pae, signature.Signature, _options.WeakenAcceptRawEcdsaSignatures, out var reason);
            run.Add(good ? Pass(VerificationNames.Signature, reason) : Fail(VerificationNames.Signature, OpsErrorCode.SignatureVerificationFailed, reason));
        }

        // The transparency log is checked now, as a verified v1 entry's integrated time is a signing-time source; its
        // result is reported in its usual place (step 7).
        var log = CheckTransparencyLog(input, envelope, spki, policy);

        // 4. When it was signed: a trusted timestamp, a verified log entry's integrated time, the daemon's record, or (said so) now.
        run.Add(ResolveSigningTime(input, signature, log.Earliest, run));

        // 5. The key's window at that time; the certificate chain, validity and usage at that time.
        if (trusted is not null)
        {
            var inside = trusted.IsValidAt(run.SigningTime, run.SigningTimeResolution);
            var evidence = new Dictionary<string, string> { ["window"] = trusted.DescribeWindow(), ["signingTime"] = run.SigningTime.ToString("O", CultureInfo.InvariantCulture) };
            if (run.SigningTimeResolution > TimeSpan.Zero) evidence["signingTimeResolution"] = run.SigningTimeResolution.ToString("c", CultureInfo.InvariantCulture);
            run.Add(inside
                ? Pass(VerificationNames.KeyValidAtSigningTime, trusted.HasValidityWindow ? $"signed {run.SigningTime:O}, inside the key's window {trusted.DescribeWindow()}" : "the key has no validity window", evidence)
                : Fail(VerificationNames.KeyValidAtSigningTime, OpsErrorCode.KeyNotTrustedAtSigningTime,
                    $"signed {run.SigningTime:O} ({run.SigningTimeSource}), outside the key's trusted window {trusted.DescribeWindow()}", evidence));
        }
        else
        {
            run.Add(Skip(VerificationNames.KeyValidAtSigningTime, leaf is null ? "no trusted key" : "no key window: the certificate's validity applies"));
        }

        if (leaf is null)
        {
            const string why = "key material, no certificate";
            run.Add(Skip(VerificationNames.CertificateChain, why));
            run.Add(Skip(VerificationNames.CertificateValidity, why));
            run.Add(Skip(VerificationNames.CertificateUsage, why));
        }
        else
        {
            var outcome = _chains.Verify(leaf, carried, run.SigningTime, CodeSigningOid);
            run.Add(outcome.Chain);
            run.Add(outcome.Validity);
            run.Add(outcome.Usage);
            run.Chain = outcome.Links;
        }

        // 6. The issuer the key belongs to.
        run.Add(CheckIssuer(run, policy.ExpectedIssuer));

        // 7. Transparency log: each entry checked offline against the trusted logs (inclusion proof, checkpoint, SET, key window, body).
        run.Add(log.Check);
    }

    /// <summary>
    /// The transparency-log check, and of the entries that verified with an integrated time (v1), the earliest: the
    /// signature existed by then. An entry that does not verify gives no time. A v2 entry's log key is judged at the
    /// RFC 3161 time, else at the daemon's record (a stored attestation: as when the daemon logged it, so a log key
    /// rotated out since still vouches for what it logged while valid), else now.
    /// </summary>
    private (VerificationCheckResult Check, TransparencyLogEntryResult? Earliest) CheckTransparencyLog(SignedAttestation input, DsseEnvelope envelope, byte[]? spki, VerificationPolicy policy)
    {
        var present = Math.Max(input.LogEntries, input.TlogEntries.Count);
        if (_options.LogEntryCheck is not { } check || input.TlogEntries.Count == 0 || spki is null)
        {
            var why = _options.LogEntryCheck is null ? "this verifier has no log-entry check" : spki is null ? "no signing key to match the entries against" : "the attestation carries no log entry";
            return (policy.RequiredLogEntries > 0
                ? Fail(VerificationNames.TransparencyLog, OpsErrorCode.TransparencyLogEntryMissing,
                    $"the policy requires {policy.RequiredLogEntries} verified log entr(ies); none verified: {why} ({present} present)")
                : Skip(VerificationNames.TransparencyLog, $"{why} ({present} entr(ies) present, none required)"), null);
        }
        if (_transparencyLogs.Count == 0)
            return (Fail(VerificationNames.TransparencyLog, OpsErrorCode.TransparencyLogEntryRejected,
                $"{input.TlogEntries.Count} log entr(ies) present, but no transparency log is trusted (no trusted root lists one)"), null);
        var verified = new List<string>();
        TransparencyLogEntryResult? earliest = null;
        foreach (var entry in input.TlogEntries)
        {
            var result = check.Check(entry, envelope, spki, _transparencyLogs, input.Timestamps, input.RecordedSigningTime ?? _options.TimeProvider.GetUtcNow());
            if (!result.Verified)
                return (Fail(VerificationNames.TransparencyLog, OpsErrorCode.TransparencyLogEntryRejected, $"a log entry does not verify: {result.Detail}",
                    new Dictionary<string, string> { ["log"] = result.Log ?? "(unknown)" }), earliest);
            verified.Add(result.Detail);
            if (result.IntegratedTime is { } at && (earliest?.IntegratedTime is not { } seen || at < seen)) earliest = result;
        }
        if (verified.Count < policy.RequiredLogEntries)
            return (Fail(VerificationNames.TransparencyLog, OpsErrorCode.TransparencyLogEntryMissing,
                $"the policy requires {policy.RequiredLogEntries} verified log entr(ies); {verified.Count} verified"), earliest);
        return (Pass(VerificationNames.TransparencyLog, string.Join("; ", verified), new Dictionary<string, string> { ["verifiedEntries"] = verified.Count.ToString(CultureInfo.InvariantCulture) }), earliest);
    }

    private (DsseSignature, TrustedKey?) ChooseSignature(DsseEnvelope envelope, string? hint)
    {
        foreach (var s in envelope.Signatures)
        {
            var id = s.KeyId ?? hint;
            if (id is not null && _keys.TryGetValue(id, out var key)) return (s, key);
        }
        // DSSE keyids are optional: a signature without one (and no hint) is tried against every trusted key.
        var pae = envelope.PreAuthenticationEncoding();
        foreach (var s in envelope.Signatures.Where(s => s.KeyId is null && hint is null))
        {
            foreach (var key in _keys.Values)
            {
                var verifier = VerifierFor("key:" + key.KeyId, key.SubjectPublicKeyInfo, key.Algorithm, out _);
                if (verifier is not null && verifier.Verify(pae, s.Signature, _options.WeakenAcceptRawEcdsaSignatures, out _)) return (s, key);
            }
        }
        return (envelope.Signatures[0], null);
    }

    // A trusted key's algorithm was detected when it was trusted; a certificate's key is detected here.
    private static bool TryAlgorithm(TrustedKey? trusted, X509Certificate2? leaf, byte[] spki, out KeyAlgorithm algorithm, out string error)
    {
        if (leaf is null && trusted is not null)
        {
            algorithm = trusted.Algorithm;
            error = "";
            return true;
        }
        return KeyAlgorithms.TryDetect(spki, out algorithm, out error);
    }

    /// <param name="cacheKey">"key:" + a trusted key's id (unique in this snapshot), or "certificate:" + the id of a certificate's key (its SPKI hash).</param>
    private PublicKeyVerifier? VerifierFor(string cacheKey, byte[] spki, KeyAlgorithm algorithm, out string error)
    {
        error = "";
        lock (_gate)
        {
            if (_verifiers.TryGetValue(cacheKey, out var cached)) return cached;
            if (!PublicKeyVerifier.TryCreate(spki, algorithm, out var created, out error)) return null;
            _verifiers[cacheKey] = created!;
            return created;
        }
    }

    private static VerificationCheckResult CheckSubject(InTotoStatement? statement, string? expected)
    {
        if (string.IsNullOrEmpty(expected)) return Skip(VerificationNames.SubjectDigest, "no subject digest expected");
        if (statement is null) return Skip(VerificationNames.SubjectDigest, "no statement");
        var colon = expected.IndexOf(':', StringComparison.Ordinal);
        var evidence = new Dictionary<string, string> { ["expected"] = expected, ["subjects"] = string.Join(", ", statement.Subjects) };
        if (colon <= 0 || colon == expected.Length - 1)
            return Fail(VerificationNames.SubjectDigest, OpsErrorCode.SubjectDigestMismatch, $"the expected digest '{expected}' is not algorithm:hex (sha256:…)", evidence);
        var algorithm = expected[..colon].ToLowerInvariant();
        var hex = expected[(colon + 1)..].ToLowerInvariant();
        var match = statement.Subjects.FirstOrDefault(s => s.Digest.TryGetValue(algorithm, out var d) && d == hex);
        return match is not null
            ? Pass(VerificationNames.SubjectDigest, $"subject '{match.Name}' has {algorithm}:{hex}", evidence)
            : Fail(VerificationNames.SubjectDigest, OpsErrorCode.SubjectDigestMismatch, $"no subject has {algorithm}:{hex}; the attestation is about {evidence["subjects"]}", evidence);
    }

    /// <summary>
    /// The signing time, in this order: a trusted RFC 3161 timestamp; the daemon's record (its own attestations: when
    /// it signed, exactly); the integrated time of a verified Rekor v1 log entry (its SET signs that time; whole
    /// seconds, so it stands for its whole second); the current time, said so. The record comes before the log because
    /// the log saw the entry later, after an outage much later: a key rotated out during the outage still verifies
    /// what it signed while valid. A log entry that does not verify gives no time; v2 entries carry none.
    /// </summary>
    private VerificationCheckResult ResolveSigningTime(SignedAttestation input, DsseSignature signature, TransparencyLogEntryResult? logged, Run run)
    {
        string? timestampProblem = null;
        foreach (var token in input.Timestamps)
        {
            if (VerifyTimestamp(token, signature.Signature, out var at, out var detail))
            {
                run.SetTime(at, SigningTimeSource.Rfc3161Timestamp, detail, GenTimeResolution(at));
                return Pass(VerificationNames.SigningTime, $"{at:O} from {detail}");
            }
            timestampProblem ??= detail;
        }
        if (input.RecordedSigningTime is { } recorded)
            run.SetTime(recorded, SigningTimeSource.DaemonRecord, "the daemon's record of when it signed this attestation");
        else if (logged?.IntegratedTime is { } integrated)
            run.SetTime(integrated, SigningTimeSource.TransparencyLog, $"the integrated time of a verified Rekor v1 entry in {logged.Log ?? "a trusted log"} (signed by its SET)", IntegratedTimeResolution);
        else
            run.SetTime(_options.TimeProvider.GetUtcNow(), SigningTimeSource.CurrentTime,
                "no timestamp, verified log entry or record says when this was signed: judged at the current time"
                + (input.LogEntries > 0 ? " (no log entry gave a verified integrated time: Rekor v2 entries carry none, and an entry that does not verify gives none)" : ""));
        if (timestampProblem is not null)
            return Fail(VerificationNames.SigningTime, OpsErrorCode.TimestampInvalid, $"the RFC 3161 timestamp is not trusted: {timestampProblem}; {run.SigningTimeDetail}");
        return Pass(VerificationNames.SigningTime, $"{run.SigningTime:O}: {run.SigningTimeDetail}");
    }

    /// <summary>Rekor's integratedTime is Unix seconds: it stands for any instant of that second.</summary>
    private static readonly TimeSpan IntegratedTimeResolution = TimeSpan.FromSeconds(1);

    /// <summary>An RFC 3161 token over the signature bytes, signed by a time-stamping authority that chains to a trust anchor.</summary>
    private bool VerifyTimestamp(byte[] token, byte[] signature, out DateTimeOffset at, out string detail)
    {
        at = default;
        if (!Rfc3161TimestampToken.TryDecode(TokenOf(token), out var tst, out _) || tst is null)
        {
            detail = "it is not an RFC 3161 timestamp (a granted TimeStampResp or its token)";
            return false;
        }
        at = tst.TokenInfo.Timestamp;
        var carried = tst.AsSignedCms().Certificates;
        if (!tst.VerifySignatureForData(signature, out var tsa, carried) || tsa is null)
        {
            detail = "it does not cover this signature, or its own signature does not verify";
            return false;
        }
        var outcome = _chains.Verify(tsa, carried.Cast<X509Certificate2>(), at, TimeStampingOid);
        var bad = new[] { outcome.Chain, outcome.Validity, outcome.Usage }.FirstOrDefault(c => c.Status != VerificationCheckStatus.Pass);
        if (bad is not null)
        {
            detail = $"the time-stamping authority '{tsa.Subject}': {bad.Reason}";
            return false;
        }
        detail = $"an RFC 3161 timestamp by '{tsa.Subject}'";
        return true;
    }

    /// <summary>
    /// How finely a genTime is known. DER GeneralizedTime drops trailing zeros of the fraction (X.690 11.7.3), so the
    /// last non-zero digit is its resolution: most authorities (openssl ts by default, many commercial ones) give whole
    /// seconds, and a genTime of 14:25:31Z then stands for any instant before 14:25:32Z.
    /// </summary>
    internal static TimeSpan GenTimeResolution(DateTimeOffset genTime)
    {
        var unit = TimeSpan.TicksPerSecond;
        while (unit > 1 && genTime.UtcTicks % unit != 0) unit /= 10;
        return unit == 1 ? TimeSpan.Zero : TimeSpan.FromTicks(unit);
    }

    /// <summary>
    /// Sigstore bundles carry the TSA's whole answer, <c>TimeStampResp ::= SEQUENCE { status PKIStatusInfo,
    /// timeStampToken ContentInfo OPTIONAL }</c>; the token is its second element when the status is granted (0) or
    /// granted with modifications (1). Anything else is taken to be a bare token.
    /// </summary>
    public static ReadOnlyMemory<byte> TokenOf(byte[] der)
    {
        try
        {
            var response = new AsnReader(der, AsnEncodingRules.DER).ReadSequence();
            var status = response.ReadSequence();
            if (!status.TryReadInt32(out var granted) || granted is not (0 or 1) || !response.HasData) return der;
            return response.ReadEncodedValue();
        }
        catch (AsnContentException)
        {
            return der;
        }
    }

    /// <summary>
    /// The whole <c>TimeStampResp</c> a bundle's <c>signedTimestamp</c> holds: a bare token (stored before the log
    /// client kept the TSA's whole answer) is wrapped as granted, so other Sigstore verifiers can read it; a response
    /// is returned as it is.
    /// </summary>
    public static byte[] ResponseOf(byte[] der)
    {
        if (!Rfc3161TimestampToken.TryDecode(der, out _, out var read) || read != der.Length) return der;
        var writer = new AsnWriter(AsnEncodingRules.DER);
        using (writer.PushSequence())
        {
            using (writer.PushSequence()) writer.WriteInteger(0);
            writer.WriteEncodedValue(der);
        }
        return writer.Encode();
    }

    private VerificationCheckResult CheckIssuer(Run run, string? expected)
    {
        var owner = run.KeyId is null ? null : _issuerByKey.GetValueOrDefault(run.KeyId);
        run.Issuer = owner?.Id;
        var evidence = new Dictionary<string, string> { ["keyId"] = run.KeyId ?? "(none)", ["issuer"] = owner?.Id ?? "(none)" };
        if (expected is not null)
        {
            if (owner is null)
                return Fail(VerificationNames.IssuerTrusted, OpsErrorCode.IssuerNotTrusted,
                    _issuerIds.Contains(expected) ? $"key {run.KeyId} is not one of issuer {expected}'s keys" : $"issuer {expected} is not known here", evidence);
            if (owner.Id != expected)
                return Fail(VerificationNames.IssuerTrusted, OpsErrorCode.IssuerNotTrusted, $"key {run.KeyId} belongs to issuer {owner.Id}, not {expected}", evidence);
        }
        if (owner is null) return Skip(VerificationNames.IssuerTrusted, "the key belongs to no named issuer, and none was expected", evidence);
        return owner.Trusted
            ? Pass(VerificationNames.IssuerTrusted, $"issuer {owner.Id}: {owner.Reason}", evidence)
            : Fail(VerificationNames.IssuerTrusted, OpsErrorCode.IssuerNotTrusted, $"issuer {owner.Id} is not trusted: {owner.Reason}", evidence);
    }

    public void Dispose()
    {
        lock (_gate)
        {
            foreach (var v in _verifiers.Values) v.Dispose();
            _verifiers.Clear();
        }
    }

    /// <summary>What one verification has found so far.</summary>
    private sealed class Run(string source, string? attestationId, string format)
    {
        private static readonly string[] Order =
        [
            VerificationNames.EnvelopeWellFormed, VerificationNames.Statement, VerificationNames.SubjectDigest, VerificationNames.KeyKnown,
            VerificationNames.AlgorithmSupported, VerificationNames.Signature, VerificationNames.SigningTime, VerificationNames.KeyValidAtSigningTime,
            VerificationNames.CertificateChain, VerificationNames.CertificateValidity, VerificationNames.CertificateUsage,
            VerificationNames.IssuerTrusted, VerificationNames.TransparencyLog,
        ];

        private readonly List<VerificationCheckResult> _checks = [];

        public InTotoStatement? Statement { get; set; }
        public string? KeyId { get; set; }
        public KeyAlgorithm? Algorithm { get; set; }
        public string? Issuer { get; set; }
        public DateTimeOffset SigningTime { get; private set; }
        public SigningTimeSource SigningTimeSource { get; private set; } = SigningTimeSource.CurrentTime;
        public string SigningTimeDetail { get; private set; } = "";
        /// <summary>How finely <see cref="SigningTime"/> is known (an RFC 3161 genTime's resolution); zero when exactly.</summary>
        public TimeSpan SigningTimeResolution { get; private set; }
        public IReadOnlyList<CertificateLink> Chain { get; set; } = [];

        public void Add(VerificationCheckResult check) => _checks.Add(check);

        public void SetTime(DateTimeOffset at, SigningTimeSource from, string detail, TimeSpan resolution = default)
        {
            SigningTime = at;
            SigningTimeResolution = resolution;
            SigningTimeSource = from;
            SigningTimeDetail = detail;
        }

        public void SkipRest(string why)
        {
            foreach (var name in Order.Where(n => !_checks.Any(c => c.Name == n))) _checks.Add(Skip(name, why));
        }

        public AttestationVerification Result()
        {
            var failed = _checks.FirstOrDefault(c => c.Status == VerificationCheckStatus.Fail);
            return new AttestationVerification
            {
                Source = source,
                AttestationId = attestationId,
                Format = format,
                Verified = failed is null && _checks.Count > 0,
                Failure = failed?.Failure,
                Cause = failed?.Cause,
                Message = failed?.Reason,
                Fix = failed?.Fix,
                Subjects = Statement is null ? [] : [.. Statement.Subjects.Select(s => new AttestationSubject { Name = s.Name, Digest = s.Digest })],
                PredicateType = Statement?.PredicateType,
                KeyId = KeyId,
                Algorithm = Algorithm,
                Issuer = Issuer,
                SigningTime = SigningTime,
                SigningTimeSource = SigningTimeSource,
                SigningTimeDetail = SigningTimeDetail,
                CertificateChain = Chain,
                Checks = [.. _checks],
            };
        }
    }
}
