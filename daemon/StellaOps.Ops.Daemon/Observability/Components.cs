namespace StellaOps.Ops.Daemon.Observability;

/// <summary>
/// Maps a logger category to the component an operator filters on (<c>stella attest logs</c> → Attestor,
/// <c>stella crypto hsm logs</c> → Hsm). The capability folder in the namespace decides.
/// </summary>
public static class Components
{
    public const string Attestor = "Attestor";
    public const string Hsm = "Hsm";
    public const string Audit = "Audit";
    public const string Daemon = "Daemon";

    private static readonly Dictionary<string, string> ByFolder = new(StringComparer.Ordinal)
    {
        ["Signing"] = Attestor,
        ["Keys"] = Attestor,
        ["Verification"] = Attestor,
        ["Attestation"] = Attestor,
        ["Attestor"] = Attestor,
        ["Hsm"] = Hsm,
        ["Trust"] = "Trust",
        ["TrustSync"] = "Trust",
        ["Transparency"] = "Transparency",
        ["Ipc"] = "Ipc",
        ["Storage"] = "Storage",
        ["Settings"] = "Config",
        ["Doctor"] = "Doctor",
    };

    public static IReadOnlyCollection<string> Known { get; } =
        [.. ByFolder.Values.Distinct().Append(Audit).Append(Daemon).Order()];

    public static string FromCategory(string category)
    {
        if (category == typeof(AuditLog).FullName) return Audit;
        const string prefix = "StellaOps.Ops.Daemon.";
        if (category.StartsWith(prefix, StringComparison.Ordinal))
        {
            var rest = category.AsSpan(prefix.Length);
            var dot = rest.IndexOf('.');
            var folder = (dot < 0 ? rest : rest[..dot]).ToString();
            if (ByFolder.TryGetValue(folder, out var component)) return component;
        }
        return Daemon;
    }
}
