using System.Diagnostics.Metrics;
using Microsoft.Extensions.Logging;
using StellaOps.Ops.Contracts;
using StellaOps.Ops.Contracts.Rpc;
using StellaOps.Ops.Daemon.Keys;

namespace StellaOps.Ops.Daemon.Signing;

/// <summary>
/// signing.Sign: raw signatures over data or digests, a batch at a time, through the one <see cref="BatchSigner"/>
/// the attestor uses too. Each item succeeds or fails on its own; only a malformed batch fails as a whole. A request
/// without a key id signs with the attestor's key (<see cref="SigningKeySelection"/>); whether a key may sign is
/// <see cref="KeyUsability"/>'s answer (expired, retired and revoked keys never sign).
/// </summary>
public sealed class SigningRpc(KeyService keys, SigningKeySelection selection, BatchSigner signer, ILogger<SigningRpc> logger) : ISigningRpc
{
    public const string Entry = "signing.Sign";

    private static readonly Meter Meter = new("StellaOps.Ops.Signing");
    private static readonly Counter<long> Signed = Meter.CreateCounter<long>("signing_signatures_total");
    private static readonly Counter<long> Failed = Meter.CreateCounter<long>("signing_failures_total");

    public Task<KeyInfo> GetKeyAsync(string? keyId, CancellationToken cancellationToken) => Task.FromResult(Key(keyId).ToInfo(keys.Now));

    public async Task<SignResult[]> SignAsync(SignRequest[] requests, CancellationToken cancellationToken)
    {
        // A null batch or item, and a batch over Protocol.MaxBatchItems, are refused before the call (RpcArgumentValidator, BatchLimitConverterFactory).
        var results = new SignResult[requests.Length];
        if (requests.Length == 0) return results;

        // Keys resolve once per batch (typically one key), so a bad key id fails its items, not the batch.
        var resolved = new Dictionary<string, (KeyRecord? Key, OpsException? Error)>(StringComparer.Ordinal);
        foreach (var r in requests)
        {
            var id = r?.KeyId ?? "";
            if (resolved.ContainsKey(id)) continue;
            try { resolved[id] = (Key(r?.KeyId), null); }
            catch (OpsException ex) { resolved[id] = (null, ex); }
        }

        // Check every item first (cheap, in order); what is well formed goes to the batch signer.
        var items = new List<(KeyRecord Key, SignInput Input)>(requests.Length);
        var indexes = new List<int>(requests.Length);
        for (var i = 0; i < requests.Length; i++)
        {
            var request = requests[i];
            var (key, error) = resolved[request?.KeyId ?? ""];
            if (key is null) { results[i] = Failure(error!, null); continue; }
            try
            {
                items.Add((key, Input(request, key)));
                indexes.Add(i);
            }
            catch (OpsException ex)
            {
                results[i] = Failure(ex, key);
            }
        }

        var outputs = new SignOutput?[items.Count];
        await signer.SignAsync(Entry, items, outputs, null, cancellationToken).ConfigureAwait(false);
        for (var j = 0; j < items.Count; j++)
        {
            var (key, o) = (items[j].Key, outputs[j]!);
            results[indexes[j]] = o.Error is { } error
                ? Failure(error, key)
                : new SignResult { Signature = o.Signature, KeyId = key.Id, Algorithm = key.Algorithm, Digest = o.Digest is null ? "" : SigningHash.Format(key.Algorithm, o.Digest) };
        }

        var failures = results.Count(r => r.Error is not null);
        if (failures < results.Length) Signed.Add(results.Length - failures);
        if (failures > 0)
        {
            Failed.Add(failures);
            var first = results.First(r => r.Error is not null).Error!;
            logger.LogWarning("signing.Sign: {Failures} of {Count} items failed; first: {Code} {Message}", failures, results.Length, first.Code, first.Message);
        }
        return results;
    }

    /// <summary>What to sign for this item: the data (hashed by the batch signer) or the client's digest. Throws for a malformed item.</summary>
    private static SignInput Input(SignRequest? request, KeyRecord key)
    {
        if (request is null)
            throw OpsException.InvalidArgument("A request of the batch is null.", null, "Give each request Data or Digest.");
        if ((request.Data is null) == (request.Digest is null))
            throw OpsException.InvalidArgument("Each request needs exactly one of Data and Digest.", request.Digest,
                "Pass either the bytes to sign or their digest (sha256:<hex>), not both.");
        if (request.Data is { } data) return SignInput.Message(data);
        if (!SigningHash.SignsDigest(key.Algorithm))
            throw OpsException.InvalidArgument($"Key {key.Id} is ed25519, which signs the whole message, not a digest.", request.Digest,
                "Pass the data instead of the digest (Invoke-StellaSign -InputObject or -Path).");
        return SignInput.Digest(SignDigest.Parse(request.Digest!, key));
    }

    private static SignResult Failure(OpsException ex, KeyRecord? key) => new()
    {
        KeyId = key?.Id ?? ex.Target ?? "",
        Algorithm = key?.Algorithm ?? default,
        Error = OpsError.From(ex),
    };

    private KeyRecord Key(string? keyId) => string.IsNullOrWhiteSpace(keyId) ? selection.Resolve() : keys.Resolve(keyId);
}
