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

        // Check and hash every item first (cheap, in order); what is left to sign is cut into chunks per key, and a
        // fixed set of workers — as many as the key's provider signs at once (the HSM's session pool) — takes
        // chunks until none is left. A chunk is one HSM call: one session lease and one worker hop for many signatures.
        var pending = new Dictionary<KeyRecord, List<(int Index, byte[] Digest)>>();
        var units = new List<Func<Task>>();
        for (var i = 0; i < requests.Length; i++)
        {
            var request = requests[i];
            var (key, error) = resolved[request?.KeyId ?? ""];
            if (key is null) { results[i] = Failure(error!, null); continue; }
            try
            {
                if (Prepare(request, key) is { } digest)
                {
                    if (!pending.TryGetValue(key, out var list)) pending[key] = list = [];
                    list.Add((i, digest));
                }
                else
                {
                    var index = i;
                    units.Add(async () => results[index] = await SignMessageAsync(request!.Data!, key, cancellationToken).ConfigureAwait(false));
                }
            }
            catch (OpsException ex)
            {
                results[i] = Failure(ex, key);
            }
        }

        var parallelism = Math.Max(1, resolved.Values.Max(k => k.Key is null ? 1 : keys.SigningParallelism(k.Key)));
        foreach (var (key, items) in pending)
        {
            var size = Math.Clamp((items.Count + parallelism - 1) / parallelism, 1, MaxChunk);
            foreach (var chunk in items.Chunk(size))
                units.Add(() => SignChunkAsync(chunk, key, results, cancellationToken));
        }

        var next = -1;
        var workers = Enumerable.Range(0, Math.Min(parallelism, units.Count)).Select(_ => Task.Run(async () =>
        {
            int u;
            while ((u = Interlocked.Increment(ref next)) < units.Count) await units[u]().ConfigureAwait(false);
        }, cancellationToken));
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

    /// <summary>Signatures per HSM call at most: keeps one call far inside hsm.session.timeout even on a slow HSM.</summary>
    private const int MaxChunk = 64;

    /// <summary>The digest to sign for this item, or null when the key signs the message itself (Ed25519). Throws for a malformed item.</summary>
    private static byte[]? Prepare(SignRequest? request, KeyRecord key)
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
            return null;
        }
        return request.Data is { } data
            ? KeyService.MessageDigest(key, data)
            : SignDigest.Parse(request.Digest!, key);
    }

    private async Task SignChunkAsync((int Index, byte[] Digest)[] chunk, KeyRecord key, SignResult[] results, CancellationToken cancellationToken)
    {
        try
        {
            var signatures = await keys.SignDigestsAsync(key, [.. chunk.Select(c => c.Digest)], cancellationToken).ConfigureAwait(false);
            var hash = SignDigest.Expected(key);
            for (var i = 0; i < chunk.Length; i++)
                results[chunk[i].Index] = new SignResult { Signature = signatures[i], KeyId = key.Id, Algorithm = key.Algorithm, Digest = SignDigest.Format(hash, chunk[i].Digest) };
        }
        catch (Exception ex) when (ex is OpsException or CryptographicException)
        {
            var failure = Failure(ToOps(ex, key), key);
            foreach (var c in chunk) results[c.Index] = failure;
        }
    }

    private async Task<SignResult> SignMessageAsync(byte[] data, KeyRecord key, CancellationToken cancellationToken)
    {
        try
        {
            return new SignResult { Signature = await keys.SignAsync(key, data, cancellationToken).ConfigureAwait(false), KeyId = key.Id, Algorithm = key.Algorithm };
        }
        catch (Exception ex) when (ex is OpsException or CryptographicException)
        {
            return Failure(ToOps(ex, key), key);
        }
    }

    private OpsException ToOps(Exception ex, KeyRecord key)
    {
        if (ex is OpsException ops) return ops;
        // Software key material that does not load or sign: say so without echoing anything about the key.
        logger.LogError("Signing with key {KeyId} failed: {Error}", key.Id, ex.GetType().Name);
        return new OpsException(OpsErrorCode.SigningFailed, $"Signing with key {key.Id} failed in the cryptographic library.", key.Id,
            "Test the key with 'stella keys verify <key-id> --operation sign' and see Get-StellaLog -Component Signing.");
    }

    private static SignResult Failure(OpsException ex, KeyRecord? key) => new()
    {
        KeyId = key?.Id ?? ex.Target ?? "",
        Algorithm = key?.Algorithm ?? default,
        Error = OpsError.From(ex),
    };

    private KeyRecord Key(string? keyId) => string.IsNullOrWhiteSpace(keyId) ? keys.SigningKey() : keys.Resolve(keyId);
}
