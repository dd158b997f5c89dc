using System.Security.Cryptography;
using System.Text;
using System.Text.Json;

namespace StellaOps.Ops.Daemon.Keys;

/// <summary>
/// What a publication of a public key is about to write, kept in its audit intent (<see cref="Observability.AuditIntent"/>):
/// the files go to the folder that verification trusts, and files cannot join the database transaction, so the audit's
/// "started" is committed before they change. A crash between the files and the outcome is settled at start from
/// whether the folder holds the key (<see cref="Holds"/>).
/// </summary>
public sealed record KeyPublishIntent(string KeyId, string PemPath, string PemSha256, string MetadataPath)
{
    /// <summary>The audit intents' subject of key publications.</summary>
    public const string Subject = "keys-publish";

    public static KeyPublishIntent For(string keyId, string pemPath, string pem, string metadataPath)
        => new(keyId, pemPath, Sha256(pem), metadataPath);

    /// <summary>True when the PEM file holds exactly this key (a symlink there does not count).</summary>
    public bool Holds()
    {
        try
        {
            var info = new FileInfo(PemPath);
            return info.Exists && info.LinkTarget is null && Sha256(File.ReadAllText(PemPath)) == PemSha256;
        }
        catch (Exception e) when (e is IOException or UnauthorizedAccessException)
        {
            return false;
        }
    }

    public string ToJson() => JsonSerializer.Serialize(this);

    /// <summary>Null when the intent is not one of these (written by another version, or damaged).</summary>
    public static KeyPublishIntent? FromJson(string json)
    {
        try
        {
            return JsonSerializer.Deserialize<KeyPublishIntent>(json) is { KeyId.Length: > 0, PemPath.Length: > 0, PemSha256.Length: > 0 } intent ? intent : null;
        }
        catch (JsonException)
        {
            return null;
        }
    }

    private static string Sha256(string text) => Convert.ToHexStringLower(SHA256.HashData(Encoding.UTF8.GetBytes(text)));
}
