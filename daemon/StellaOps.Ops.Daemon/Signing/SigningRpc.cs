using System.Diagnostics.Metrics;
using System.Security.Cryptography;
using Microsoft.Extensions.Logging;
using StellaOps.Ops.Contracts;
using StellaOps.Ops.Contracts.Rpc;
using StellaOps.Ops.Daemon.Keys;

namespace StellaOps.Ops.Daemon.Signing;

/// <summary>
/// signing.Sign: raw signatures over data or digests, a batch at a time. The items of a batch sign concurrently,
/// as many at once as the key's provider can use (the HSM's session pool), and each item succeeds or fails on its
/// own; only a malformed batch fails as a whole. The key comes from <see cref="KeyService"/>, which refuses expired,
/// retired and revoked keys.
/// </summary>
public sealed class SigningRpc(KeyService keys, ILogger<SigningRpc> logger) : ISigningRpc
{
    /// <summary>Largest batch accepted; Invoke-StellaSign sends far smaller ones.</summary>
    public const int MaxBatch = 10_000;

    private static readonly Meter Meter = new("StellaOps.Ops.Signing");
    private static readonly Counter<long> Signed = Meter.CreateCounter<long>("signing_signatures_total");
    private static readonly Counter<long> Failed = Meter.CreateCounter<long>("signing_failures_total");

    public Task<KeyInfo> GetKeyAsync(string? keyId, CancellationToken cancellationToken) => Task.FromResult(Key(keyId).ToInfo(keys.Now));

    public async Task<SignResult[]> SignAsync(SignRequest[] requests, CancellationToken cancellationToken)
    {
        if (requests is null)
            throw OpsException.InvalidArgument("signing.Sign needs an array of requests.", "requests");
        if (requests.Length > MaxBatch)
            throw OpsException.InvalidArgument($"A batch holds at most {MaxBatch} requests; this one has {requests.Length}.", "requests",
                "Send smaller batches (Invoke-StellaSign batches pipeline input by itself).");
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

        var parallelism = Math.Min(requests.Length, resolved.Values.Max(k => k.Key is null ? 1 : keys.SigningParallelism(k.Key)));
        var next = -1;
        // A fixed set of workers pulling the next index: as many HSM sessions busy as the pool has, no more, and
        // no task per item waiting on the pool.
        var workers = new Task[parallelism];
        for (var w = 0; w < workers.Length; w++)
        {
            workers[w] = Task.Run(async () =>
            {
                int i;
                while ((i = Interlocked.Increment(ref next)) < requests.Length)
                {
                    var request = requests[i];
                    var (key, error) = resolved[request?.KeyId ?? ""];
                    results[i] = key is null ? Failure(error!, null) : await SignOneAsync(request, key, cancellationToken).ConfigureAwait(false);
                }
            }, cancellationToken);
        }
        await Task.WhenAll(workers).ConfigureAwait(false);

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

    private async Task<SignResult> SignOneAsync(SignRequest? request, KeyRecord key, CancellationToken cancellationToken)
    {
        try
        {
            if (request is null)
                throw OpsException.InvalidArgument("A request of the batch is null.", null, "Give each request Data or Digest.");
            if ((request.Data is null) == (request.Digest is null))
                throw OpsException.InvalidArgument("Each request needs exactly one of Data and Digest.", request.Digest,
                    "Pass either the bytes to sign or their digest (sha256:<hex>), not both.");

            if (key.Algorithm == KeyAlgorithm.Ed25519)
            {
                if (request.Data is null)
                    throw OpsException.InvalidArgument($"Key {key.Id} is ed25519, which signs the whole message, not a digest.", request.Digest,
                        "Pass the data instead of the digest (Invoke-StellaSign -InputObject or -Path).");
                var ed = await keys.SignAsync(key, request.Data, cancellationToken).ConfigureAwait(false);
                return new SignResult { Signature = ed, KeyId = key.Id, Algorithm = key.Algorithm };
            }

            var hash = SignDigest.Expected(key);
            var digest = request.Data is { } data
                ? (hash == "sha384" ? SHA384.HashData(data) : SHA256.HashData(data))
                : SignDigest.Parse(request.Digest!, key);
            var signature = await keys.SignDigestAsync(key, digest, cancellationToken).ConfigureAwait(false);
            return new SignResult { Signature = signature, KeyId = key.Id, Algorithm = key.Algorithm, Digest = SignDigest.Format(hash, digest) };
        }
        catch (OpsException ex)
        {
            return Failure(ex, key);
        }
        catch (CryptographicException ex)
        {
            // Software key material that does not load or sign: say so without echoing anything about the key.
            logger.LogError("Signing with key {KeyId} failed: {Error}", key.Id, ex.GetType().Name);
            return Failure(new OpsException(OpsErrorCode.SigningFailed, $"Signing with key {key.Id} failed in the cryptographic library.", key.Id,
                "Test the key with 'stella keys verify <key-id> --operation sign' and see Get-StellaLog -Component Signing."), key);
        }
    }

    private static SignResult Failure(OpsException ex, KeyRecord? key) => new()
    {
        KeyId = key?.Id ?? ex.Target ?? "",
        Algorithm = key?.Algorithm ?? default,
        Error = OpsError.From(ex),
    };

    private KeyRecord Key(string? keyId) => string.IsNullOrWhiteSpace(keyId) ? keys.SigningKey() : keys.Resolve(keyId);
}
