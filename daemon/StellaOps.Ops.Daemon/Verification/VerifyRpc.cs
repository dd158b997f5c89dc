using StellaOps.Ops.Attestation.Verification;
using StellaOps.Ops.Contracts;
using StellaOps.Ops.Contracts.Rpc;
using StellaOps.Ops.Contracts.Text;
using StellaOps.Ops.Daemon.Attestor;

namespace StellaOps.Ops.Daemon.Verification;

public sealed class VerifyRpc(VerificationService verification, AttestorService attestor) : IVerifyRpc
{
    public Task<AttestationVerification[]> VerifyAsync(VerificationRequest request, CancellationToken cancellationToken)
    {
        ArgumentNullException.ThrowIfNull(request);
        var callerTrust = CallerTrust(request);
        var total = request.Ids.Count + request.Documents.Count + (request.Last ?? 0);
        if (request.Ids.Count == 0 || total > Protocol.MaxBatchItems) return Task.FromResult(verification.Verify(request, callerTrust));

        // Each id gets its own answer: one that names no attestation (or more than one) is that item's error, so a
        // batch from the pipeline is never lost to one bad id. The rest are verified as one request, in order, from
        // the rows this one pass read.
        var found = attestor.FindEach(request.Ids);
        var known = new List<AttestationRecord>(found.Count);
        foreach (var (row, _) in found)
            if (row is not null) known.Add(row);
        if (known.Count == found.Count) return Task.FromResult(verification.Verify(request, known, callerTrust));

        var rest = request with { Ids = [.. known.Select(r => r.Id)] };
        var verified = known.Count > 0 || rest.Last is not null || rest.Subject is not null || rest.Documents.Count > 0 ? verification.Verify(rest, known, callerTrust) : [];
        var answers = new AttestationVerification[request.Ids.Count + verified.Length - known.Count];
        int next = 0, at = 0;
        for (var i = 0; i < request.Ids.Count; i++)
            answers[at++] = found[i].Error is { } error ? NotVerified(request.Ids[i], OpsError.From(error)) : verified[next++];
        while (next < verified.Length) answers[at++] = verified[next++];
        return Task.FromResult(answers);
    }

    /// <summary>The caller's -TrustedKey / -TrustAnchor files for this request, read as the module reads them offline; null when none.</summary>
    private static StaticTrustMaterial? CallerTrust(VerificationRequest request)
    {
        if (request.TrustedKeys.Count == 0 && request.TrustAnchors.Count == 0) return null;
        var keys = new List<TrustedKey>();
        var certificates = new List<TrustedCertificate>();
        foreach (var (list, isKey) in new[] { (request.TrustedKeys, true), (request.TrustAnchors, false) })
        {
            for (var i = 0; i < list.Count; i++)
            {
                var name = string.IsNullOrWhiteSpace(list[i].Name) ? $"the caller's {(isKey ? "key" : "anchor")} {i + 1}" : $"the caller's {list[i].Name}";
                try
                {
                    if (isKey) keys.Add(PemTrust.Key(list[i].Content, name));
                    else certificates.AddRange(PemTrust.Certificates(list[i].Content, name));
                }
                catch (FormatException e)
                {
                    throw OpsException.InvalidArgument($"{TerminalText.Escape(name)} is not {(isKey ? "a PEM public key of a supported algorithm" : "PEM CA certificates")}: {e.Message}", list[i].Name,
                        isKey ? "Give a '-----BEGIN PUBLIC KEY-----' file (stella keys show <key-id> --public > key.pem)." : "Give the CA certificates as '-----BEGIN CERTIFICATE-----' PEM.");
                }
            }
        }
        return new StaticTrustMaterial(keys, certificates);
    }

    private static AttestationVerification NotVerified(string id, OpsError error) => new()
    {
        Source = id,
        Verified = false,
        Failure = error.Code,
        Message = error.Message,
        Fix = error.RecommendedAction,
        Error = error,
    };
}
