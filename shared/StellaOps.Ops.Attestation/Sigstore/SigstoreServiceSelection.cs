namespace StellaOps.Ops.Attestation.Sigstore;

/// <summary>
/// Which services of a signing config to use now, as the Sigstore spec says: only services valid at
/// <c>now</c> (a window that starts later is not used yet) with an API version the caller supports, only the
/// highest of those versions, newest start first, at most one per operator; then the selector: all of them, any one,
/// or exactly <c>count</c> (too few is an error that says how many qualified and why the others did not).
/// </summary>
public static class SigstoreServiceSelection
{
    /// <summary>Transparency logs or TSAs: <paramref name="configuration"/> decides how many.</summary>
    /// <exception cref="SigstoreServiceSelectionException">Too few services qualify.</exception>
    public static IReadOnlyList<SigningService> Select(
        IReadOnlyList<SigningService> services, ServiceConfiguration configuration, IReadOnlyCollection<int> supportedApiVersions,
        DateTimeOffset now, string what)
    {
        ArgumentNullException.ThrowIfNull(services);
        ArgumentNullException.ThrowIfNull(configuration);
        var qualified = Qualified(services, supportedApiVersions, now)
            .DistinctBy(s => s.Operator, StringComparer.Ordinal)
            .ToList();
        var wanted = configuration.Selector switch
        {
            ServiceSelector.Exact => configuration.Count,
            _ => 1,
        };
        if (qualified.Count < wanted)
        {
            throw new SigstoreServiceSelectionException(
                $"The signing config's {what} selector {configuration.Selector.ToString().ToUpperInvariant()}" +
                (configuration.Selector == ServiceSelector.Exact ? $" needs {wanted} service(s) from distinct operators" : " needs a service") +
                $" valid at {now:u} with API version {string.Join(" or ", supportedApiVersions.Order())}; {qualified.Count} qualify of {services.Count} listed" +
                $" ({Describe(services, supportedApiVersions, now)}).");
        }
        return configuration.Selector == ServiceSelector.All ? qualified : qualified.Take(wanted).ToList();
    }

    /// <summary>A CA or OIDC provider: the one service with the highest supported API version valid now and the newest start.</summary>
    /// <exception cref="SigstoreServiceSelectionException">None qualifies.</exception>
    public static SigningService SelectOne(IReadOnlyList<SigningService> services, IReadOnlyCollection<int> supportedApiVersions, DateTimeOffset now, string what)
    {
        ArgumentNullException.ThrowIfNull(services);
        return Qualified(services, supportedApiVersions, now).FirstOrDefault()
            ?? throw new SigstoreServiceSelectionException(
                $"No {what} in the signing config is valid at {now:u} with API version {string.Join(" or ", supportedApiVersions.Order())} ({Describe(services, supportedApiVersions, now)}).");
    }

    /// <summary>Valid now and supported, of the highest such version only, newest start first (stable for equal starts).</summary>
    private static IEnumerable<SigningService> Qualified(IReadOnlyList<SigningService> services, IReadOnlyCollection<int> supportedApiVersions, DateTimeOffset now)
    {
        ArgumentNullException.ThrowIfNull(supportedApiVersions);
        var usable = services.Where(s => s.ValidFor.Contains(now) && supportedApiVersions.Contains(s.MajorApiVersion)).ToList();
        if (usable.Count == 0) return [];
        var highest = usable.Max(s => s.MajorApiVersion);
        return usable.Where(s => s.MajorApiVersion == highest).OrderByDescending(s => s.ValidFor.Start);
    }

    private static string Describe(IReadOnlyList<SigningService> services, IReadOnlyCollection<int> supportedApiVersions, DateTimeOffset now)
        => services.Count == 0 ? "none listed" : string.Join("; ", services.Select(s =>
            $"{s.Url} v{s.MajorApiVersion} {s.Operator}: " +
            (!supportedApiVersions.Contains(s.MajorApiVersion) ? "API version not supported"
             : s.ValidFor.Start > now ? $"not valid until {s.ValidFor.Start:u}"
             : !s.ValidFor.Contains(now) ? $"ended {s.ValidFor.End:u}"
             : "valid")));
}
