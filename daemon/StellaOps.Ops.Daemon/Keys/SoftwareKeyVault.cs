using System.Security.Cryptography;
using StellaOps.Ops.Daemon.Hosting;

namespace StellaOps.Ops.Daemon.Keys;

/// <summary>
/// Seals software private keys (PKCS#8) with AES-256-GCM under a master key that lives in a file only the
/// daemon's user can read (<c>keys/master.key</c>, 0600, directory 0700). The key id is bound in as associated
/// data, so a sealed key cannot be swapped onto another key's record.
/// </summary>
public sealed class SoftwareKeyVault(DaemonPaths paths)
{
    private readonly Lock _gate = new();
    private readonly StatePermissions _permissions = new(paths);
    private byte[]? _master;

    public string MasterKeyPath => _permissions.MasterKeyPath;

    public byte[] Seal(string keyId, ReadOnlySpan<byte> pkcs8)
    {
        var nonce = RandomNumberGenerator.GetBytes(12);
        var sealedKey = new byte[12 + 16 + pkcs8.Length];
        using var aes = new AesGcm(Master(), 16);
        aes.Encrypt(nonce, pkcs8, sealedKey.AsSpan(28), sealedKey.AsSpan(12, 16), System.Text.Encoding.UTF8.GetBytes(keyId));
        nonce.CopyTo(sealedKey, 0);
        return sealedKey;
    }

    /// <summary>The PKCS#8 bytes; the caller must clear them (CryptographicOperations.ZeroMemory) when done.</summary>
    public byte[] Unseal(string keyId, byte[] sealedKey)
    {
        var plain = new byte[sealedKey.Length - 28];
        using var aes = new AesGcm(Master(), 16);
        aes.Decrypt(sealedKey.AsSpan(0, 12), sealedKey.AsSpan(28), sealedKey.AsSpan(12, 16), plain, System.Text.Encoding.UTF8.GetBytes(keyId));
        return plain;
    }

    private byte[] Master()
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
                var fresh = RandomNumberGenerator.GetBytes(32);
                // CreateNew: O_EXCL, so a link put in its place is not followed.
                var options = new FileStreamOptions { Mode = FileMode.CreateNew, Access = FileAccess.Write };
                if (!OperatingSystem.IsWindows()) options.UnixCreateMode = UnixFileMode.UserRead | UnixFileMode.UserWrite;
                using (var f = new FileStream(MasterKeyPath, options))
                {
                    f.Write(fresh);
                    f.Flush(flushToDisk: true);
                }
            }
            var bytes = File.ReadAllBytes(MasterKeyPath);
            if (bytes.Length != 32) throw new InvalidOperationException($"{MasterKeyPath} is damaged ({bytes.Length} bytes, expected 32); restore it from backup.");
            return _master = bytes;
        }
    }
}
