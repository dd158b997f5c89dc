using System.Security.Cryptography;
using StellaOps.Ops.Attestation.Signing;
using StellaOps.Ops.Contracts;
using StellaOps.Ops.Hsm;

namespace StellaOps.Ops.Tuf.Repository;

/// <summary>
/// A TUF root key on a PKCS#11 token: generated there (CKA_SENSITIVE, not CKA_EXTRACTABLE: the private key never
/// leaves the token) and used there through the project's HSM layer — <see cref="HsmDsseSigner"/> signs the canonical
/// bytes exactly as the daemon signs (ed25519: CKM_EDDSA over the bytes; ecdsa-p256: SHA-256 here, CKM_ECDSA on the
/// token, r‖s turned into the DER TUF carries). Owns its token connection; dispose it when the ceremony is done.
/// </summary>
public sealed class TufTokenSigner : ITufSigner, IAsyncDisposable, IDisposable
{
    private readonly HsmConnection _connection;
    private readonly HsmDsseSigner _signer;

    private TufTokenSigner(HsmConnection connection, RootKeyToken token, byte[] ckaId, KeyAlgorithm algorithm, byte[] spki)
    {
        _connection = connection;
        Token = token;
        CkaId = ckaId;
        PublicKey = ToTufKey(algorithm, spki);
        KeyId = PublicKey.ComputeKeyId();
        _signer = new HsmDsseSigner(connection, ckaId, algorithm, KeyId);
    }

    public string KeyId { get; }

    public TufKey PublicKey { get; }

    public RootKeyToken Token { get; }

    /// <summary>The key pair's CKA_ID on the token (what the ceremony record keeps, hex).</summary>
    public byte[] CkaId { get; }

    /// <summary>Generates a new key pair on the token for <paramref name="holder"/> and signs with it.</summary>
    public static async Task<TufTokenSigner> GenerateAsync(RootKeyToken token, string algorithm, string holder, CancellationToken cancellationToken = default)
    {
        var alg = algorithm switch
        {
            TufKeyFile.Ed25519 => KeyAlgorithm.Ed25519,
            TufKeyFile.EcdsaP256 => KeyAlgorithm.EcdsaP256,
            _ => throw new ArgumentException($"Unsupported algorithm '{algorithm}' for a token key: use {string.Join(" or ", TufKeyFile.Algorithms)}.", nameof(algorithm)),
        };
        var connection = await ConnectAsync(token, holder, cancellationToken).ConfigureAwait(false);
        try
        {
            var ckaId = RandomNumberGenerator.GetBytes(16);
            var spki = await connection.GenerateKeyPairAsync(alg, $"tuf-root-{holder}", ckaId, cancellationToken).ConfigureAwait(false);
            return new TufTokenSigner(connection, token, ckaId, alg, spki);
        }
        catch (HsmException e)
        {
            await connection.DisposeAsync().ConfigureAwait(false);
            throw Unavailable(token, holder, $"no {algorithm} key pair could be generated ({e.Message})");
        }
    }

    /// <summary>Opens the key pair <paramref name="ckaId"/> on the token (a holder signing later).</summary>
    public static async Task<TufTokenSigner> OpenAsync(RootKeyToken token, byte[] ckaId, string holder, CancellationToken cancellationToken = default)
    {
        var connection = await ConnectAsync(token, holder, cancellationToken).ConfigureAwait(false);
        try
        {
            var spki = await connection.GetPublicKeySpkiAsync(ckaId, cancellationToken).ConfigureAwait(false);
            return new TufTokenSigner(connection, token, ckaId, Detect(spki, token, holder), spki);
        }
        catch (HsmException e)
        {
            await connection.DisposeAsync().ConfigureAwait(false);
            throw Unavailable(token, holder, $"the root key {Convert.ToHexString(ckaId)} is not on it ({e.Message})");
        }
    }

    /// <summary>
    /// Finds, among the key pairs on the token, the one whose TUF key id is in <paramref name="keyIds"/> (a holder
    /// signing an exported pending root on their own machine knows their token, not the key's CKA_ID), or else the
    /// token's only ed25519/ecdsa-p256 key pair.
    /// </summary>
    public static async Task<TufTokenSigner> FindAsync(RootKeyToken token, IReadOnlyCollection<string> keyIds, string holder, CancellationToken cancellationToken = default)
    {
        var connection = await ConnectAsync(token, holder, cancellationToken).ConfigureAwait(false);
        try
        {
            var candidates = new List<(byte[] Id, KeyAlgorithm Algorithm, byte[] Spki)>();
            foreach (var key in await connection.FindKeyIdsAsync(cancellationToken).ConfigureAwait(false))
            {
                if (!key.HasPrivateKeyObject || !key.HasPublicKeyObject || key.Algorithm is not (KeyAlgorithm.Ed25519 or KeyAlgorithm.EcdsaP256) || key.Id.Length == 0) continue;
                var spki = await connection.GetPublicKeySpkiAsync(key.Id, cancellationToken).ConfigureAwait(false);
                if (keyIds.Contains(ToTufKey(key.Algorithm.Value, spki).ComputeKeyId()))
                    return new TufTokenSigner(connection, token, key.Id, key.Algorithm.Value, spki);
                candidates.Add((key.Id, key.Algorithm.Value, spki));
            }
            // An old root's key signing a rotation is not in the new root's keys: a token holding one root key signs with it.
            if (candidates.Count == 1) return new TufTokenSigner(connection, token, candidates[0].Id, candidates[0].Algorithm, candidates[0].Spki);
        }
        catch (HsmException e)
        {
            await connection.DisposeAsync().ConfigureAwait(false);
            throw Unavailable(token, holder, e.Message);
        }
        await connection.DisposeAsync().ConfigureAwait(false);
        throw Unavailable(token, holder, "it holds none of the root keys this metadata names");
    }

    public async Task<byte[]> SignAsync(ReadOnlyMemory<byte> data, CancellationToken cancellationToken = default)
    {
        try
        {
            return await _signer.SignAsync(data, cancellationToken).ConfigureAwait(false);
        }
        catch (HsmException e)
        {
            throw Unavailable(Token, _connection.Name, $"signing failed ({e.Message})");
        }
    }

    /// <summary>The key as TUF lists it: ed25519 as hex of the 32-byte point, ECDSA P-256 as a PEM SubjectPublicKeyInfo.</summary>
    public static TufKey ToTufKey(KeyAlgorithm algorithm, byte[] spki) => algorithm switch
    {
        KeyAlgorithm.Ed25519 => new TufKey(TufKey.Ed25519, TufKey.Ed25519, Convert.ToHexStringLower(spki.AsSpan(spki.Length - 32))),
        KeyAlgorithm.EcdsaP256 => new TufKey(TufKey.Ecdsa, TufKey.EcdsaNistP256, PemEncoding.WriteString("PUBLIC KEY", spki) + "\n"),
        _ => throw new ArgumentException($"A {algorithm.ToName()} key is not a TUF root key here: use ed25519 or ecdsa-p256.", nameof(algorithm)),
    };

    private static KeyAlgorithm Detect(byte[] spki, RootKeyToken token, string holder) =>
        KeyAlgorithms.TryDetect(spki, out var algorithm, out var error) && algorithm is KeyAlgorithm.Ed25519 or KeyAlgorithm.EcdsaP256
            ? algorithm
            : throw Unavailable(token, holder, $"the key is not ed25519 or ecdsa-p256 ({(error.Length > 0 ? error : algorithm.ToName())})");

    private static async Task<HsmConnection> ConnectAsync(RootKeyToken token, string holder, CancellationToken cancellationToken)
    {
        HsmConnection connection;
        try
        {
            connection = new HsmConnection(new HsmConnectionOptions
            {
                Name = holder,
                LibraryPath = token.Module,
                TokenLabel = token.Label,
                PinProvider = token.Pin,
                NativeEnvironment = token.NativeEnvironment,
                AutoReconnect = false,
                PoolSize = 1,
            });
        }
        catch (Exception e) when (e is HsmException or ArgumentException or IOException or DllNotFoundException)
        {
            throw Unavailable(token, holder, $"the PKCS#11 module does not load ({e.Message})");
        }
        try
        {
            await connection.ConnectAsync(cancellationToken).ConfigureAwait(false);
            return connection;
        }
        catch (HsmException e)
        {
            await connection.DisposeAsync().ConfigureAwait(false);
            throw Unavailable(token, holder, e.Message);
        }
    }

    private static OpsException Unavailable(RootKeyToken token, string holder, string detail) => TufRepositoryErrors.TokenUnavailable(holder, token.ToString(), detail);

    public ValueTask DisposeAsync() => _connection.DisposeAsync();

    public void Dispose() => _connection.Dispose();

    public override string ToString() => $"{PublicKey.KeyType} root key {KeyId[..12]} on {Token}";
}
