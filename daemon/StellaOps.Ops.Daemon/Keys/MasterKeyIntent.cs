using System.Text.Json;

namespace StellaOps.Ops.Daemon.Keys;

/// <summary>
/// What the creation of the master key is about to write, kept in its audit intent (<see cref="Observability.AuditIntent"/>):
/// the key is a file, which cannot join the database transaction, so the audit's "started" is committed before it is
/// written. It is written under a staging name and linked into place, so <see cref="Path"/> either holds a whole key or
/// nothing; a crash between is settled at start from whether it does (<see cref="Holds"/>).
/// </summary>
public sealed record MasterKeyIntent(string Path)
{
    /// <summary>The audit intents' subject of master key creations.</summary>
    public const string Subject = "keys-master";

    /// <summary>The master key's length: an AES-256 key.</summary>
    public const int KeyLength = 32;

    /// <summary>Where the key is written before it is linked into place.</summary>
    public string StagingPath => Path + ".new";

    /// <summary>True when the file holds a master key: a regular file (not a symlink) of <see cref="KeyLength"/> bytes.</summary>
    public bool Holds()
    {
        try
        {
            var info = new FileInfo(Path);
            return info.Exists && info.LinkTarget is null && info.Length == KeyLength;
        }
        catch (Exception e) when (e is IOException or UnauthorizedAccessException)
        {
            return false;
        }
    }

    public string ToJson() => JsonSerializer.Serialize(this);

    /// <summary>Null when the intent is not one of these (written by another version, or damaged).</summary>
    public static MasterKeyIntent? FromJson(string json)
    {
        try
        {
            return JsonSerializer.Deserialize<MasterKeyIntent>(json) is { Path.Length: > 0 } intent ? intent : null;
        }
        catch (JsonException)
        {
            return null;
        }
    }
}
