using StellaOps.Ops.Hsm;

namespace StellaOps.Ops.Tuf.Repository;

public sealed partial class TufRepository
{
    /// <summary>The online roles: signed without a ceremony, by one key each whose file the admin machine holds.</summary>
    public static IReadOnlyList<string> OnlineRoles { get; } = [TufRoleNames.Targets, TufRoleNames.Snapshot, TufRoleNames.Timestamp];

    /// <summary>
    /// A new repository in <paramref name="directory"/>: root keys for every holder (encrypted files, or the tokens
    /// given), online keys for targets, snapshot and timestamp, root 1 with consistent snapshots signed by all root
    /// keys, the first targets (<paramref name="content"/>), snapshot and timestamp, and the ceremony record.
    /// </summary>
    public static async Task<(TufRepository Repository, TufCeremonyRecord Record)> InitializeAsync(string directory, TufCeremonyOptions options,
        Func<string, char[]> rootPassword, char[] onlinePassword, IReadOnlyDictionary<string, byte[]> content, TimeProvider? clock = null,
        CancellationToken cancellationToken = default)
    {
        var names = options.HolderNames();
        var full = Path.GetFullPath(directory);
        if (File.Exists(Path.Combine(full, TufRepositoryConfig.FileName))) throw TufRepositoryErrors.NotARepository(full, "it already is a repository; a new root for it is a rotation (tuf-ceremony rotate)");
        System.IO.Directory.CreateDirectory(full);
        var config = new TufRepositoryConfig { Expiry = options.Expiry ?? new ExpiryPolicy(), KdfIterations = options.KdfIterations ?? 600_000 };
        var repo = new TufRepository(full, config, clock ?? TimeProvider.System);
        var now = repo.Now;
        var root = new RootMetadata { ConsistentSnapshot = true, Version = 1, Expires = config.Expiry.ExpiresFrom(TufRoleNames.Root, now) };
        var rootSigners = new List<ITufSigner>();
        try
        {
            foreach (var name in names)
            {
                var (signer, holder) = await repo.NewRootKeyAsync(name, options.Algorithm, 1, rootPassword, options, cancellationToken).ConfigureAwait(false);
                rootSigners.Add(signer);
                config.RootHolders.Add(holder);
                root.AddKey(signer.PublicKey, TufRoleNames.Root);
            }
            return await repo.FinishInitAsync(root, rootSigners, options, names.Count, onlinePassword, content, cancellationToken).ConfigureAwait(false);
        }
        finally
        {
            await DisposeAllAsync(rootSigners).ConfigureAwait(false);
        }
    }

    private async Task<(TufRepository Repository, TufCeremonyRecord Record)> FinishInitAsync(RootMetadata root, List<ITufSigner> rootSigners, TufCeremonyOptions options,
        int keys, char[] onlinePassword, IReadOnlyDictionary<string, byte[]> content, CancellationToken cancellationToken)
    {
        var repo = this;
        var config = Config;
        var full = Directory;
        root.Roles[TufRoleNames.Root].Threshold = options.Threshold;
        var online = new Dictionary<string, string>(StringComparer.Ordinal);
        foreach (var role in OnlineRoles)
        {
            var (signer, pem) = TufKeyFile.Generate(options.Algorithm, onlinePassword, config.KdfIterations);
            var file = Path.Combine("keys", "online", role + ".p8");
            AtomicFile.Write(Path.Combine(full, file), pem, secret: true);
            config.OnlineKeyFiles[role] = file;
            online[role] = root.AddKey(signer.PublicKey, role);
        }
        var md = new TufMetadata<RootMetadata>(root);
        foreach (var s in rootSigners) await md.SignAsync(s, cancellationToken: cancellationToken).ConfigureAwait(false);
        var bytes = md.ToBytes(indented: true);
        repo.WriteMetadata(TufRoleNames.Root, 1, bytes);
        config.Write(full);
        foreach (var (name, data) in content) repo.WriteContent(name, data);
        var record = repo.WriteCeremonyRecord("init", root, bytes, options.Algorithm, config.RootHolders, online, pending: false);
        repo.AppendChangeLog("ceremony-init", $"root 1: {options.Threshold} of {keys} {options.Algorithm} keys", new() { ["record"] = record.Path });
        await repo.SignAsync([], role => repo.LoadOnlineKey(role, onlinePassword), cancellationToken).ConfigureAwait(false);
        return (repo, record);
    }

    /// <summary>
    /// Proposes the next root: new keys for <paramref name="newHolders"/> (a key rotation), or the same keys with
    /// another threshold (a threshold change is a rotation too). The new root is signed by its new keys here and
    /// waits in <c>pending/</c> until the old root's threshold has signed it as well (<see cref="SignAsync"/>, or
    /// export → sign elsewhere → import).
    /// </summary>
    public async Task<TufCeremonyRecord> ProposeRootRotationAsync(int? threshold, IReadOnlyList<string>? newHolders, string? algorithm,
        Func<string, char[]> rootPassword, TufCeremonyOptions? tokens = null, CancellationToken cancellationToken = default)
    {
        if (File.Exists(PendingRootPath)) throw TufRepositoryErrors.Pending($"root {PendingRoot!.Signed.Version} is already waiting for signatures; finish or discard it (delete pending/root.json) first");
        var current = Root;
        var root = TufMetadata<RootMetadata>.FromBytes(current.ToBytes(), TufRoleNames.Root).Signed;
        root.Version = current.Signed.Version + 1;
        root.Expires = Config.Expiry.ExpiresFrom(TufRoleNames.Root, Now);
        var signers = new List<ITufSigner>();
        var holders = new List<RootKeyHolder>();
        if (newHolders is { Count: > 0 })
        {
            var alg = algorithm ?? TufKeyFile.AlgorithmOf(current.Signed.Keys[current.Signed.Roles[TufRoleNames.Root].KeyIds[0]]);
            foreach (var old in root.Roles[TufRoleNames.Root].KeyIds.ToList()) root.RevokeKey(old, TufRoleNames.Root);
            try
            {
                foreach (var name in newHolders)
                {
                    var (signer, holder) = await NewRootKeyAsync(name, alg, root.Version, rootPassword, tokens, cancellationToken).ConfigureAwait(false);
                    signers.Add(signer);
                    holders.Add(holder);
                    root.AddKey(signer.PublicKey, TufRoleNames.Root);
                }
            }
            catch
            {
                await DisposeAllAsync(signers).ConfigureAwait(false);
                throw;
            }
        }
        else
        {
            holders = [.. Config.RootHolders.Where(h => root.Roles[TufRoleNames.Root].KeyIds.Contains(h.KeyId))];
        }
        var t = threshold ?? root.Roles[TufRoleNames.Root].Threshold;
        var count = root.Roles[TufRoleNames.Root].KeyIds.Count;
        if (t < 1 || t > count) throw new ArgumentException($"A threshold of {t} with {count} root keys: the threshold must be 1 to {count}.");
        root.Roles[TufRoleNames.Root].Threshold = t;
        var md = new TufMetadata<RootMetadata>(root);
        try
        {
            foreach (var s in signers) await md.SignAsync(s, cancellationToken: cancellationToken).ConfigureAwait(false);
        }
        finally
        {
            await DisposeAllAsync(signers).ConfigureAwait(false);
        }
        if (signers.Count == 0) md.Signatures.Clear();
        var bytes = md.ToBytes(indented: true);
        AtomicFile.Write(PendingRootPath, bytes);
        Config.RootHolders.AddRange(holders.Where(h => !Config.RootHolders.Contains(h)));
        Config.Write(Directory);
        var record = WriteCeremonyRecord("rotate", root, bytes, holders.Count > 0 ? holders[0].Algorithm : "", holders, [], pending: true);
        AppendChangeLog("root-rotation-proposed", $"root {root.Version}: {t} of {count} keys", new() { ["record"] = record.Path });
        return record;
    }

    private async Task<(ITufSigner Signer, RootKeyHolder Holder)> NewRootKeyAsync(string name, string algorithm, long rootVersion, Func<string, char[]> rootPassword,
        TufCeremonyOptions? tokens, CancellationToken cancellationToken)
    {
        if (tokens?.Tokens?.TryGetValue(name, out var token) == true)
        {
            var signer = await TufTokenSigner.GenerateAsync(token, algorithm, name, cancellationToken).ConfigureAwait(false);
            return (signer, new RootKeyHolder
            {
                Name = name, KeyId = signer.KeyId, Algorithm = algorithm, TokenLabel = token.Label, TokenModule = token.Module,
                TokenKeyId = Convert.ToHexString(signer.CkaId), Created = Now,
            });
        }
        var password = rootPassword(name);
        try
        {
            var (signer, pem) = TufKeyFile.Generate(algorithm, password, Config.KdfIterations);
            var file = Path.Combine("keys", "root", $"{name}.root{rootVersion}.p8");
            AtomicFile.Write(Path.Combine(Directory, file), pem, secret: true);
            return (signer, new RootKeyHolder { Name = name, KeyId = signer.KeyId, Algorithm = algorithm, KeyFile = file, Created = Now });
        }
        finally
        {
            Array.Clear(password);
        }
    }

    /// <summary>Opens a holder's root key on their token (the CKA_ID the ceremony recorded); <paramref name="module"/> overrides the recorded module path.</summary>
    public async Task<TufTokenSigner> OpenRootTokenAsync(RootKeyHolder holder, HsmPinProvider pin, string? module = null, IReadOnlyDictionary<string, string>? nativeEnvironment = null,
        CancellationToken cancellationToken = default)
    {
        if (holder.TokenLabel is null || holder.TokenKeyId is null) throw TufRepositoryErrors.KeyUnavailable(holder.Name, "the holder's root key is not on a token");
        var token = new RootKeyToken { Module = module ?? holder.TokenModule ?? "", Label = holder.TokenLabel, Pin = pin, NativeEnvironment = nativeEnvironment };
        var signer = await TufTokenSigner.OpenAsync(token, Convert.FromHexString(holder.TokenKeyId), holder.Name, cancellationToken).ConfigureAwait(false);
        if (signer.KeyId == holder.KeyId) return signer;
        await signer.DisposeAsync().ConfigureAwait(false);
        throw TufRepositoryErrors.TokenUnavailable(holder.Name, token.ToString(), $"its key {holder.TokenKeyId} is not the holder's root key {holder.KeyId[..12]} (another key under that CKA_ID)");
    }

    private static async Task DisposeAllAsync(IEnumerable<ITufSigner> signers)
    {
        foreach (var s in signers)
            if (s is IAsyncDisposable d) await d.DisposeAsync().ConfigureAwait(false);
            else (s as IDisposable)?.Dispose();
    }

    private TufCeremonyRecord WriteCeremonyRecord(string ceremony, RootMetadata root, byte[] rootBytes, string algorithm, List<RootKeyHolder> holders,
        Dictionary<string, string> online, bool pending)
    {
        var record = new TufCeremonyRecord
        {
            Ceremony = ceremony, Time = Now, Operator = Environment.UserName, RootVersion = root.Version, RootSha256 = Sha256(rootBytes),
            Threshold = root.Roles[TufRoleNames.Root].Threshold, Algorithm = algorithm, Holders = holders, OnlineKeys = online, Pending = pending,
        };
        var path = Path.Combine(CeremonyDirectory, $"{Now:yyyyMMddTHHmmssZ}-{ceremony}-root{root.Version}.json");
        record.Path = Path.GetRelativePath(Directory, path);
        AtomicFile.Write(path, TufRepositoryConfig.Serialize(record));
        return record;
    }
}
