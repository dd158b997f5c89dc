namespace StellaOps.Ops.Tuf.Repository;

/// <summary>What a root ceremony creates: M-of-N root keys of one algorithm, held by named holders.</summary>
public sealed class TufCeremonyOptions
{
    public int Threshold { get; init; } = 3;

    public int Keys { get; init; } = 5;

    public string Algorithm { get; init; } = TufKeyFile.Ed25519;

    /// <summary>The holders' names, one per key (default holder-1 … holder-N).</summary>
    public IReadOnlyList<string>? Holders { get; init; }

    public ExpiryPolicy? Expiry { get; init; }

    public int? KdfIterations { get; init; }

    /// <summary>
    /// Holders whose root key is generated on their own PKCS#11 token (holder name → token) instead of in an encrypted
    /// file; the ceremony record names the token and the key's CKA_ID. Holders not listed get key files.
    /// </summary>
    public IReadOnlyDictionary<string, RootKeyToken>? Tokens { get; init; }

    internal IReadOnlyList<string> HolderNames()
    {
        var names = Holders is { Count: > 0 } h ? h : [.. Enumerable.Range(1, Keys).Select(i => $"holder-{i}")];
        if (names.Count != Keys) throw new ArgumentException($"{names.Count} holder names for {Keys} keys: give one name per key.");
        if (names.Distinct(StringComparer.Ordinal).Count() != names.Count) throw new ArgumentException("Holder names must differ.");
        foreach (var n in names)
            if (n.Length == 0 || n.Any(c => !(char.IsAsciiLetterOrDigit(c) || c is '-' or '_' or '.')) || n.StartsWith('.'))
                throw new ArgumentException($"Holder name '{n}' may only use letters, digits, '-', '_' and '.'.");
        if (Threshold < 1 || Threshold > Keys) throw new ArgumentException($"A threshold of {Threshold} with {Keys} keys: the threshold must be 1 to {Keys}.");
        if (Tokens?.Keys.FirstOrDefault(t => !names.Contains(t)) is { } stray) throw new ArgumentException($"A token is given for '{stray}', who is not one of the holders ({string.Join(", ", names)}).");
        if (Tokens?.Values.GroupBy(t => (t.Module, t.Label)).FirstOrDefault(g => g.Count() > 1) is { } shared)
            throw new ArgumentException($"Token '{shared.Key.Label}' is given for {shared.Count()} holders: each holder keeps their root key on their own token.");
        if (!TufKeyFile.Algorithms.Contains(Algorithm)) throw new ArgumentException($"Unsupported algorithm '{Algorithm}': use {string.Join(" or ", TufKeyFile.Algorithms)}.");
        return names;
    }
}
