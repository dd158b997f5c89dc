using System.Diagnostics.Metrics;
using Microsoft.Extensions.Logging;
using StellaOps.Ops.Attestation.Dsse;
using StellaOps.Ops.Attestation.Signing;
using StellaOps.Ops.Contracts;
using StellaOps.Ops.Daemon.Keys;

namespace StellaOps.Ops.Daemon.Signing;

/// <summary>
/// The one batch signer: signing.Sign and the attestor both sign through it. Items are grouped per key, hashed with
/// the hash the key signs with (<see cref="SigningHash"/>), cut into chunks — at most <see cref="MaxChunk"/>, about
/// one per session the key's provider can use at once — and a fixed set of workers, as many as that parallelism,
/// takes chunks until none is left. A chunk is one provider call: one HSM session lease, or one unseal of a software
/// key, for many signatures. A key that may not sign, or a chunk that fails, fails its own items, never the batch.
/// </summary>
public sealed class BatchSigner(KeyService keys, ILogger<BatchSigner> logger)
{
    /// <summary>Signatures per provider call at most: keeps one call far inside hsm.session.timeout even on a slow HSM.</summary>
    public const int MaxChunk = 64;

    public const string ChunksMetric = "signing_provider_calls_total";

    private static readonly Meter Meter = new("StellaOps.Ops.Signing.Batch");
    private static readonly Counter<long> Chunks = Meter.CreateCounter<long>(ChunksMetric,
        description: "Provider calls (chunks of one batch for one key) made by the batch signer, by entry point (signing.Sign, attestor).");

    /// <summary>
    /// Signs every item and writes each outcome to <paramref name="results"/> as its chunk finishes (so a caller that is
    /// cancelled still knows what was signed). <paramref name="signed"/> hears how many items each finished chunk held.
    /// </summary>
    /// <param name="entry">Who signs (signing.Sign, attestor): a tag of <see cref="ChunksMetric"/>.</param>
    public async Task SignAsync(string entry, IReadOnlyList<(KeyRecord Key, SignInput Input)> items, SignOutput?[] results, Action<int>? signed, CancellationToken cancellationToken)
    {
        ArgumentNullException.ThrowIfNull(items);
        if (results.Length < items.Count) throw new ArgumentException("One result slot per item is needed.", nameof(results));
        var units = new List<Func<CancellationToken, Task>>();
        var parallelism = 1;
        foreach (var group in Enumerable.Range(0, items.Count).GroupBy(i => items[i].Key.Id, StringComparer.Ordinal))
        {
            var key = items[group.First()].Key;
            IDigestSigner signer;
            try { signer = keys.Signer(key); }
            catch (OpsException refused)
            {
                foreach (var i in group) results[i] = SignOutput.Failed(refused);
                signed?.Invoke(group.Count());
                continue;
            }
            var ready = new List<(int Index, byte[] Bytes, byte[]? Digest)>();
            foreach (var i in group)
            {
                try { ready.Add(Prepare(i, key, items[i].Input)); }
                catch (OpsException ex) { results[i] = SignOutput.Failed(ex); signed?.Invoke(1); }
            }
            if (ready.Count == 0) continue;
            var keyParallelism = Math.Max(1, keys.SigningParallelism(key));
            parallelism = Math.Max(parallelism, keyParallelism);
            var size = Math.Clamp((ready.Count + keyParallelism - 1) / keyParallelism, 1, MaxChunk);
            foreach (var chunk in ready.Chunk(size))
                units.Add(ct => SignChunkAsync(entry, key, signer, chunk, results, signed, ct));
        }

        var next = -1;
        var workers = Enumerable.Range(0, Math.Min(parallelism, units.Count)).Select(_ => Task.Run(async () =>
        {
            int u;
            while ((u = Interlocked.Increment(ref next)) < units.Count)
            {
                cancellationToken.ThrowIfCancellationRequested();
                await units[u](cancellationToken).ConfigureAwait(false);
            }
        }, cancellationToken));
        await Task.WhenAll(workers).ConfigureAwait(false);
    }

    // The bytes the provider signs: the digest of the key's hash, or (Ed25519) the message itself.
    private static (int Index, byte[] Bytes, byte[]? Digest) Prepare(int index, KeyRecord key, SignInput input)
    {
        if (!SigningHash.SignsDigest(key.Algorithm))
        {
            if (input.IsDigest)
                throw OpsException.InvalidArgument($"Key {key.Id} is ed25519, which signs the whole message, not a digest.", key.Id,
                    "Pass the data instead of the digest (Invoke-StellaSign -InputObject or -Path).");
            return (index, input.Bytes, null);
        }
        if (!input.IsDigest)
        {
            var digest = SigningHash.Digest(key.Algorithm, input.Bytes);
            return (index, digest, digest);
        }
        if (input.Bytes.Length != SigningHash.Length(key.Algorithm))
            throw OpsException.InvalidArgument($"Key {key.Id} is {key.Algorithm.ToName()}, which signs {SigningHash.Length(key.Algorithm)}-byte {SigningHash.Name(key.Algorithm)} digests; got {input.Bytes.Length} bytes.", key.Id,
                $"Pass a {SigningHash.Name(key.Algorithm)}:<hex> digest, or the data itself and the daemon hashes it.");
        return (index, input.Bytes, input.Bytes);
    }

    private async Task SignChunkAsync(string entry, KeyRecord key, IDigestSigner signer, (int Index, byte[] Bytes, byte[]? Digest)[] chunk,
        SignOutput?[] results, Action<int>? signed, CancellationToken cancellationToken)
    {
        Chunks.Add(1, new KeyValuePair<string, object?>("entry", entry));
        try
        {
            var inputs = chunk.Select(c => c.Bytes).ToArray();
            var signatures = SigningHash.SignsDigest(key.Algorithm)
                ? await signer.SignDigestsAsync(inputs, cancellationToken).ConfigureAwait(false)
                : await signer.SignManyAsync(inputs, cancellationToken).ConfigureAwait(false);
            if (signatures.Length != chunk.Length)
                throw new InvalidOperationException($"The provider returned {signatures.Length} signatures for {chunk.Length} items.");
            for (var i = 0; i < chunk.Length; i++)
            {
                DsseEnvelopeBuilder.CheckWireFormat(signer, signatures[i]);
                results[chunk[i].Index] = new SignOutput(signatures[i], chunk[i].Digest, null);
            }
        }
        catch (OperationCanceledException) when (cancellationToken.IsCancellationRequested)
        {
            throw;
        }
        catch (Exception ex) when (ex is not OutOfMemoryException)
        {
            var failure = ex as OpsException ?? Unexpected(ex, key);
            foreach (var c in chunk) results[c.Index] = SignOutput.Failed(failure);
        }
        signed?.Invoke(chunk.Length);
    }

    // Whatever else broke (key material that does not load, a signature in the wrong format): said without echoing
    // anything about the key or the library's text; the type goes to the daemon's log.
    private OpsException Unexpected(Exception ex, KeyRecord key)
    {
        logger.LogError("Signing with key {KeyId} failed: {Error}", key.Id, ex.GetType().Name);
        return new OpsException(OpsErrorCode.SigningFailed, $"Signing with key {key.Id} failed in the cryptographic library ({ex.GetType().Name}).", key.Id,
            "Test the key with 'stella keys verify <key-id> --operation sign' and see 'stella attest logs --level error --last 30m'.");
    }
}
