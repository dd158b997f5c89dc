namespace StellaOps.Ops.Tuf.Repository;

public sealed partial class TufRepository
{
    /// <summary>
    /// Moves the targets into <paramref name="bins"/> hash bins: a bins key (an online key file, the online password),
    /// targets delegating to the bins through <c>succinct_roles</c>, every bin signed (empty ones too: a client looks
    /// up the bin a target hashes to), then snapshot and timestamp. Each later sign re-signs only the bins that changed.
    /// </summary>
    public async Task<TufSignResult> DelegateToHashBinsAsync(int bins, char[] onlinePassword, CancellationToken cancellationToken = default)
    {
        if (Config.HashBins is not null) throw TufRepositoryErrors.TargetEdit("targets", $"it already delegates to {Config.HashBins.Count} hash bins");
        var config = new TufHashBins { BitLength = TufHashBins.BitLengthFor(bins) };
        var targetsKey = Root.Signed.Roles[TufRoleNames.Targets].KeyIds[0];
        var (signer, pem) = TufKeyFile.Generate(TufKeyFile.AlgorithmOf(Root.Signed.Keys[targetsKey]), onlinePassword, Config.KdfIterations);
        using (signer)
        {
            var file = Path.Combine("keys", "online", TufHashBins.KeyRole + ".p8");
            AtomicFile.Write(Path.Combine(Directory, file), pem, secret: true);
            Config.OnlineKeyFiles[TufHashBins.KeyRole] = file;
            var targets = Read<TargetsMetadata>(TufRoleNames.Targets)?.Signed ?? new TargetsMetadata { Version = 0 };
            targets.Delegations = new Delegations
            {
                Keys = { [signer.KeyId] = signer.PublicKey },
                SuccinctRoles = new SuccinctRoles { BitLength = config.BitLength, NamePrefix = config.NamePrefix, KeyIds = [signer.KeyId], Threshold = 1 },
            };
            targets.Targets = new(StringComparer.Ordinal);
            targets.Version++;
            targets.Expires = Config.Expiry.ExpiresFrom(TufRoleNames.Targets, Now);
            var md = new TufMetadata<TargetsMetadata>(targets);
            using var targetsSigner = LoadOnlineKey(TufRoleNames.Targets, onlinePassword);
            await md.SignAsync(targetsSigner, append: false, cancellationToken).ConfigureAwait(false);
            WriteMetadata(TufRoleNames.Targets, targets.Version, md.ToBytes(indented: true));
        }
        Config.HashBins = config;
        Config.Write(Directory);
        AppendChangeLog("hash-bins", $"targets delegate to {config.Count} hash bins ({config.NamePrefix}-*)");
        var cache = new Dictionary<string, ITufSigner>(StringComparer.Ordinal);
        try
        {
            return await SignAsync([], role => cache.TryGetValue(role, out var s) ? s : cache[role] = LoadOnlineKey(role, onlinePassword), cancellationToken).ConfigureAwait(false);
        }
        finally
        {
            foreach (var s in cache.Values) (s as IDisposable)?.Dispose();
        }
    }

    /// <summary>The bins' <c>succinct_roles</c> as the signed targets delegates them (null with no hash bins).</summary>
    public SuccinctRoles? HashBinRoles => Read<TargetsMetadata>(TufRoleNames.Targets)?.Signed.Delegations?.SuccinctRoles;

    /// <summary>Every target listed now: in targets itself and in each hash bin.</summary>
    public Dictionary<string, TargetFile> ListedTargets()
    {
        var all = new Dictionary<string, TargetFile>(Read<TargetsMetadata>(TufRoleNames.Targets)?.Signed.Targets ?? [], StringComparer.Ordinal);
        foreach (var bin in HashBinRoles?.GetRoles() ?? [])
            foreach (var (name, t) in Read<TargetsMetadata>(bin)?.Signed.Targets ?? [])
                all[name] = t;
        return all;
    }

    /// <summary>Puts each target in the bin its path hashes to; signs a new version of a bin only when its list changed or it is past half its validity.</summary>
    private async Task SignHashBinsAsync(SuccinctRoles bins, IReadOnlyDictionary<string, byte[]> content, Dictionary<string, TargetFile> listed,
        Func<string, ITufSigner> onlineSigner, TufSignResult result, CancellationToken cancellationToken)
    {
        var now = Now;
        var byBin = listed.GroupBy(kv => bins.GetRoleForTarget(kv.Key))
            .ToDictionary(g => g.Key, g => g.ToDictionary(kv => kv.Key, kv => kv.Value, StringComparer.Ordinal), StringComparer.Ordinal);
        foreach (var bin in bins.GetRoles())
        {
            var md = Read<TargetsMetadata>(bin);
            var want = byBin.GetValueOrDefault(bin) ?? new Dictionary<string, TargetFile>(StringComparer.Ordinal);
            if (md is not null && SameTargets(md.Signed.Targets, want) && !HalfExpired(md.Signed, bin, now)) continue;
            var signed = md?.Signed ?? new TargetsMetadata { Version = 0 };
            signed.Version++;
            signed.Expires = Config.Expiry.ExpiresFrom(bin, now);
            signed.Targets = want;
            foreach (var (name, file) in want) WriteTarget(file, content[name]);
            var next = new TufMetadata<TargetsMetadata>(signed);
            await next.SignAsync(onlineSigner(TufHashBins.KeyRole), append: false, cancellationToken).ConfigureAwait(false);
            WriteMetadata(bin, signed.Version, next.ToBytes(indented: true));
            result.Signed[bin] = signed.Version;
        }
    }
}
