using StellaOps.Ops.Attestation.Sigstore;

namespace StellaOps.Ops.Attestation.Verification;

/// <summary>
/// Several trust sources read as one. Keys and certificates are joined (the first source that names a key id or a
/// certificate fingerprint wins, so an earlier, more specific source decides its window); issuers likewise by id.
/// </summary>
public sealed class CompositeTrustMaterial : ITrustMaterial
{
    private readonly IReadOnlyList<ITrustMaterial> _sources;

    public CompositeTrustMaterial(params IEnumerable<ITrustMaterial> sources)
    {
        ArgumentNullException.ThrowIfNull(sources);
        _sources = sources.ToArray();
    }

    public IReadOnlyList<TrustedKey> Keys => Join(s => s.Keys, k => k.KeyId);

    public IReadOnlyList<TrustedCertificate> Certificates => Join(s => s.Certificates, c => c.Id);

    public IReadOnlyList<TrustedIssuer> Issuers => Join(s => s.Issuers, i => i.Id);

    public IReadOnlyList<TransparencyLogInstance> TransparencyLogs
        => Join(s => s.TransparencyLogs, l => $"{Convert.ToHexString(l.LogId)} {l.ValidFor}");

    private IReadOnlyList<T> Join<T>(Func<ITrustMaterial, IReadOnlyList<T>> select, Func<T, string> id)
    {
        var seen = new HashSet<string>(StringComparer.Ordinal);
        var joined = new List<T>();
        foreach (var source in _sources)
        {
            foreach (var item in select(source))
            {
                if (seen.Add(id(item))) joined.Add(item);
            }
        }
        return joined;
    }
}
