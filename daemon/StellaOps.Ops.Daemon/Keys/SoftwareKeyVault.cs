using System.Security.Cryptography;
using StellaOps.Ops.Contracts;
using StellaOps.Ops.Contracts.Unix;
using StellaOps.Ops.Daemon.Hosting;
using StellaOps.Ops.Daemon.Observability;

namespace StellaOps.Ops.Daemon.Keys;

/// <summary>
/// Seals software private keys (PKCS#8) with AES-256-GCM under a master key that lives in a file only the
/// daemon's user can read (<c>keys/master.key</c>, 0600, directory 0700). The key id is bound in as associated
/// data, so a sealed key cannot be swapped onto another key's record. The first seal creates the master key, audited
/// as an intent of its own; unsealing never creates one, since a new master key opens no key sealed under the old.
/// </summary>
public sealed class SoftwareKeyVault(DaemonPaths paths, AuditLog audit)
{
    /// <summary>The audit action of the master key's creation.</summary>
    public const string CreateAction = "keys.master-key";

    private readonly Lock _gate = new();
    private readonly StatePermissions _permissions = new(paths);
    private byte[]? _master;

    public string MasterKeyPath => _permissions.MasterKeyPath;

    public byte[] Seal(string keyId, ReadOnlySpan<byte> pkcs8)
    {
        var nonce = RandomNumberGenerator.GetBytes(12);
        var sealedKey = new byte[12 + 16 + pkcs8.Length];
        using var aes = new AesGcm(Master(createIfMissing: true, keyId), 16);
        aes.Encrypt(nonce, pkcs8, sealedKey.AsSpan(28), sealedKey.AsSpan(12, 16), System.Text.Encoding.UTF8.GetBytes(keyId));
        nonce.CopyTo(sealedKey, 0);
        return sealedKey;
    }

    /// <summary>The PKCS#8 bytes; the caller must clear them (CryptographicOperations.ZeroMemory) when done.</summary>
    public byte[] Unseal(string keyId, byte[] sealedKey)
    {
        var plain = new byte[sealedKey.Length - 28];
        using var aes = new AesGcm(Master(createIfMissing: false, keyId), 16);
        aes.Decrypt(sealedKey.AsSpan(0, 12), sealedKey.AsSpan(28), sealedKey.AsSpan(12, 16), plain, System.Text.Encoding.UTF8.GetBytes(keyId));
        return plain;
    }

    /// <summary>What to do about a missing master key (the unseal's error and the storage check say it alike).</summary>
    public static string RestoreAdvice(string masterKeyPath) =>
        $"Restore {masterKeyPath} (owner the daemon's user, mode 0600) from the backup of the state directory; the next signature reads it. The daemon does not make a new one: a new master key would open none of the keys sealed under the old.";

    /// <summary>
    /// At start: completes the audit of a master key creation a stop interrupted, as "interrupted: applied" when the
    /// file holds a key and "not applied" when it does not, and removes a staged key that was never linked into place
    /// (nothing was sealed under it).
    /// </summary>
    public void SettleInterruptedCreation()
    {
        var planned = new MasterKeyIntent(MasterKeyPath);
        audit.SettleInterrupted(MasterKeyIntent.Subject, "Master key creation", "what the keys folder holds", open =>
            (MasterKeyIntent.FromJson(open.Intent) ?? planned).Holds()
                ? (true, $"{MasterKeyPath} holds a master key")
                : (false, $"{MasterKeyPath} does not exist; the next software key creates it"));
        if (File.Exists(planned.StagingPath)) File.Delete(planned.StagingPath); // the keys folder itself may not exist yet
    }

    private byte[] Master(bool createIfMissing, string keyId)
    {
        lock (_gate)
        {
            if (_master is not null) return _master;
            var dir = Path.GetDirectoryName(MasterKeyPath)!;
            if (OperatingSystem.IsWindows()) Directory.CreateDirectory(dir);
            else Directory.CreateDirectory(dir, UnixFileMode.UserRead | UnixFileMode.UserWrite | UnixFileMode.UserExecute);
            // A keys directory or master key someone else made, or can read, would give them every software key.
            _permissions.DemandKeys();
            if (!File.Exists(MasterKeyPath))
            {
                if (!createIfMissing)
                    throw new OpsException(OpsErrorCode.MasterKeyMissing,
                        $"The master key {MasterKeyPath} is missing, so the software key {keyId} cannot be unsealed.", keyId, RestoreAdvice(MasterKeyPath));
                Create(dir);
            }
            var bytes = File.ReadAllBytes(MasterKeyPath);
            if (bytes.Length != MasterKeyIntent.KeyLength) throw new InvalidOperationException($"{MasterKeyPath} is damaged ({bytes.Length} bytes, expected {MasterKeyIntent.KeyLength}); restore it from backup.");
            return _master = bytes;
        }
    }

    // The key file cannot join a transaction: the audit's "started" is committed first (an intent of its own, not the
    // record of the call that needed the key), then the key is written whole under a staging name, made durable and
    // linked into place, so the name holds a whole key or none; then the outcome.
    private void Create(string dir)
    {
        var planned = new MasterKeyIntent(MasterKeyPath);
        var intent = audit.StartIntent(MasterKeyIntent.Subject, CreateAction, $"about to create the master key {MasterKeyPath}, which seals the software keys", planned.ToJson(),
            () => planned.Holds() ? (true, $"created {MasterKeyPath}") : (false, $"{MasterKeyPath} was not created"), ownRecord: true);
        var fresh = RandomNumberGenerator.GetBytes(MasterKeyIntent.KeyLength);
        try
        {
            // A staged key left by a crash before it was linked sealed nothing: it is replaced.
            File.Delete(planned.StagingPath);
            // CreateNew: O_EXCL, so a link put in its place is not followed.
            var options = new FileStreamOptions { Mode = FileMode.CreateNew, Access = FileAccess.Write };
            if (!OperatingSystem.IsWindows()) options.UnixCreateMode = UnixFileMode.UserRead | UnixFileMode.UserWrite;
            using (var f = new FileStream(planned.StagingPath, options))
            {
                f.Write(fresh);
                f.Flush(flushToDisk: true);
            }
            // No overwrite: a master key that appeared meanwhile is never replaced.
            File.Move(planned.StagingPath, MasterKeyPath, overwrite: false);
            if (!OperatingSystem.IsWindows()) UnixDirectory.Sync(dir);
            intent.Complete(succeeded: true);
        }
        catch (Exception e) when (!intent.IsCompleted)
        {
            intent.Complete(succeeded: false, AuditLog.ErrorId(e));
            try { File.Delete(planned.StagingPath); }
            catch (Exception cleanup) when (cleanup is IOException or UnauthorizedAccessException) { } // settled at the next start
            throw;
        }
        finally
        {
            CryptographicOperations.ZeroMemory(fresh);
        }
    }
}
