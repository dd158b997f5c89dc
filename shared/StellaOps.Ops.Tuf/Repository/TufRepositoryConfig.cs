using System.Text.Json;
using System.Text.Json.Serialization;

namespace StellaOps.Ops.Tuf.Repository;

/// <summary>
/// tuf-repository.json: what the tooling needs to keep signing a repository the same way — the root key holders,
/// the online keys' files, the expiry policy and the key-derivation cost of new key files. No secret is in it.
/// </summary>
public sealed class TufRepositoryConfig
{
    public const string FileName = "tuf-repository.json";

    public int FormatVersion { get; set; } = 1;

    public ExpiryPolicy Expiry { get; set; } = new();

    /// <summary>PBKDF2-SHA256 iterations for new key files (OWASP's 2023 figure by default).</summary>
    public int KdfIterations { get; set; } = 600_000;

    public List<RootKeyHolder> RootHolders { get; set; } = [];

    /// <summary>Key files of the roles signed without a ceremony (timestamp, snapshot, targets), relative to the repository.</summary>
    public Dictionary<string, string> OnlineKeyFiles { get; set; } = new(StringComparer.Ordinal);

    /// <summary>The hash-bin delegation targets makes (null: targets lists every target itself).</summary>
    public TufHashBins? HashBins { get; set; }

    /// <summary>Names the operators gave to transparency-log keys in trusted_root.json (name → base64 log id).</summary>
    public Dictionary<string, string> LogKeyNames { get; set; } = new(StringComparer.Ordinal);

    private static readonly JsonSerializerOptions Options = new()
    {
        WriteIndented = true,
        PropertyNamingPolicy = JsonNamingPolicy.CamelCase,
        DefaultIgnoreCondition = JsonIgnoreCondition.WhenWritingNull,
    };

    public static TufRepositoryConfig Read(string directory)
    {
        var path = Path.Combine(directory, FileName);
        if (!File.Exists(path)) throw TufRepositoryErrors.NotARepository(directory, $"there is no {FileName}");
        try
        {
            return JsonSerializer.Deserialize<TufRepositoryConfig>(File.ReadAllBytes(path), Options)
                ?? throw TufRepositoryErrors.NotARepository(directory, $"{FileName} is empty");
        }
        catch (JsonException e)
        {
            throw TufRepositoryErrors.NotARepository(directory, $"{FileName} is malformed ({e.Message})");
        }
    }

    public void Write(string directory) => AtomicFile.Write(Path.Combine(directory, FileName), JsonSerializer.SerializeToUtf8Bytes(this, Options));

    internal static byte[] Serialize<T>(T value) => JsonSerializer.SerializeToUtf8Bytes(value, Options);

    internal static T? Deserialize<T>(byte[] data) => JsonSerializer.Deserialize<T>(data, Options);
}
