namespace StellaOps.Ops.Tuf;

/// <summary>
/// How role and target names become URL path parts and local file names: percent-escaped like Python's
/// <c>quote(name, "")</c> (everything but letters, digits and <c>-._~</c>), so <c>/</c>, <c>?</c>, <c>#</c> and
/// <c>..</c> can neither leave the directory nor change the URL.
/// </summary>
public static class TufFileNames
{
    public static string Escape(string name) => Uri.EscapeDataString(name);

    /// <summary><c>root.json</c>, <c>a%2Fb.json</c>: the unversioned local (and remote, without consistent snapshots) name.</summary>
    public static string Role(string role) => Escape(role) + ".json";

    /// <summary><c>3.snapshot.json</c>: the consistent-snapshot name.</summary>
    public static string Role(string role, long? version) => version is { } v ? $"{v}.{Role(role)}" : Role(role);

    /// <summary>The local file name of a target: its whole path escaped into one name.</summary>
    public static string LocalTarget(string targetPath) => Escape(targetPath);

    // "." and ".." are unreserved characters, so escaping leaves them: they would climb out of the targets URL.
    private static string EscapeSegment(string segment) => segment switch
    {
        "." => "%2E",
        ".." => "%2E%2E",
        _ => Escape(segment),
    };

    /// <summary>The URL path of a target below the targets base URL: each segment escaped; with consistent snapshots, <c>dir/{hash}.{name}</c>.</summary>
    public static string RemoteTarget(string targetPath, string? hashPrefix)
    {
        var segments = targetPath.Split('/');
        if (hashPrefix is not null) segments[^1] = hashPrefix + "." + segments[^1];
        return string.Join('/', segments.Select(EscapeSegment));
    }
}
