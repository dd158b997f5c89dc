using System.Diagnostics;
using System.Text.Json;
using StellaOps.Ops.Attestation.Dsse;
using StellaOps.Ops.Attestation.InToto;
using StellaOps.Ops.Attestation.Verification;
using StellaOps.Ops.Daemon.Verification;
using StellaOps.Ops.Contracts;
using StellaOps.Ops.Contracts.Rpc;
using StellaOps.Ops.Daemon.Keys;

namespace StellaOps.Ops.Daemon.Attestor;

/// <summary>
/// <c>stella attest test-sign</c>: signs a throwaway statement with the attestor's key and verifies it, step by
/// step, so the operator sees where it broke. Nothing is stored.
/// </summary>
public sealed class SigningProbe(KeyService keys, SigningKeySelection selection, KeyUsability usability)
{
    public async Task<SigningTestResult> RunAsync(CancellationToken cancellationToken)
    {
        var steps = new List<SigningTestStep>();
        OpsError? error = null;
        KeyRecord? key = null;
        DsseEnvelope? envelope = null;
        byte[] statement = [];

        bool Step(string name, Func<string> body)
        {
            var sw = Stopwatch.StartNew();
            try
            {
                var message = body();
                steps.Add(new SigningTestStep { Name = name, Success = true, Duration = sw.Elapsed, Message = message });
                return true;
            }
            catch (OpsException ex)
            {
                steps.Add(new SigningTestStep { Name = name, Success = false, Duration = sw.Elapsed, Message = ex.Message });
                error = OpsError.From(ex);
                return false;
            }
        }

        var ok = Step("resolve-key", () =>
            {
                key = selection.Resolve();
                return $"{key.Algorithm.ToName()} key {key.Id} ({key.Name}, {key.Provider.ToString().ToLowerInvariant()}, {key.Location}) for signing mode {Mode}";
            })
            && Step("key-valid", () =>
            {
                usability.Ensure(key!, keys.Now);
                return $"{key!.StatusAt(keys.Now).ToString().ToLowerInvariant()}, valid until {key.ExpiresAt:u}";
            })
            && Step("build-statement", () =>
            {
                var predicate = JsonSerializer.SerializeToElement(new { purpose = "signing test", at = keys.Now });
                statement = new InTotoStatement([SubjectFactory.FromName("test:verification")], PredicateTypes.Test, predicate).ToJsonBytes();
                return $"in-toto statement, {statement.Length} bytes, subject test:verification";
            });
        if (ok)
        {
            var sw = Stopwatch.StartNew();
            try
            {
                envelope = await DsseEnvelopeBuilder.SignAsync(DsseEnvelope.InTotoPayloadType, statement, [keys.Signer(key!)], cancellationToken).ConfigureAwait(false);
                steps.Add(new SigningTestStep { Name = "sign", Success = true, Duration = sw.Elapsed, Message = $"DSSE signature, {envelope.Signatures[0].Signature.Length} bytes, in {key!.Location}" });
            }
            catch (Exception ex) when (ex is OpsException or InvalidOperationException)
            {
                var ops = ex as OpsException ?? new OpsException(OpsErrorCode.SigningFailed, ex.Message, key!.Id, "See 'stella attest logs --level error --last 30m'.");
                steps.Add(new SigningTestStep { Name = "sign", Success = false, Duration = sw.Elapsed, Message = ops.Message });
                error = OpsError.From(ops);
                ok = false;
            }
        }
        if (ok)
        {
            ok = Step("verify", () =>
            {
                var report = new DsseVerifier([key!.ToTrustedKey()], new DsseVerifierOptions { AllowRawEcdsaSignatures = false }).Verify(envelope!);
                if (!report.Verified)
                    throw new OpsException(OpsErrorCode.VerificationFailed, $"The signature made with key {key!.Id} does not verify: {report}", key.Id,
                        "The key's public and private halves may not match (a wrong HSM object?): check it with 'stella keys verify <key-id> --operation sign'.");
                return "the envelope verifies with the key's public key";
            });
        }
        return new SigningTestResult { Success = ok, KeyId = key?.Id, Algorithm = key?.Algorithm, SigningMode = Mode, Steps = steps, Error = error };
    }

    private string Mode => selection.Mode;
}
