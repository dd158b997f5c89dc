using System.Collections.ObjectModel;

namespace StellaOps.Ops.Attestation.InToto;

/// <summary>
/// An in-toto subject (ResourceDescriptor with name and digest). Digests are validated on construction:
/// <c>sha256</c> is 64 lowercase hex characters, <c>sha512</c> 128; any other algorithm is rejected.
/// </summary>
public sealed class Subject : IEquatable<Subject>
{
    public Subject(string name, IReadOnlyDictionary<string, string> digest)
    {
        ArgumentNullException.ThrowIfNull(name);
        ArgumentNullException.ThrowIfNull(digest);
        if (name.Length == 0) throw new ArgumentException("A subject needs a name.", nameof(name));
        if (digest.Count == 0) throw new ArgumentException($"Subject '{name}' needs at least one digest.", nameof(digest));
        var sorted = new SortedDictionary<string, string>(StringComparer.Ordinal);
        foreach (var (alg, hex) in digest)
        {
            var error = DigestAlgorithms.Validate(alg, hex);
            if (error is not null) throw new ArgumentException($"Subject '{name}': {error}", nameof(digest));
            sorted[alg] = hex;
        }
        Name = name;
        Digest = new ReadOnlyDictionary<string, string>(sorted);
    }

    public Subject(string name, string algorithm, string hex)
        : this(name, new Dictionary<string, string> { [algorithm] = hex })
    {
    }

    public string Name { get; }

    /// <summary>Algorithm → lowercase hex, in ordinal key order (the serialized order).</summary>
    public IReadOnlyDictionary<string, string> Digest { get; }

    public bool Equals(Subject? other)
        => other is not null && Name == other.Name && Digest.Count == other.Digest.Count
           && Digest.All(kv => other.Digest.TryGetValue(kv.Key, out var v) && v == kv.Value);

    public override bool Equals(object? obj) => Equals(obj as Subject);

    public override int GetHashCode() => HashCode.Combine(Name, Digest.Count);

    public override string ToString() => $"{Name}@{string.Join(",", Digest.Select(kv => $"{kv.Key}:{kv.Value}"))}";
}
