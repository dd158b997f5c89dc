namespace StellaOps.Ops.Tuf.Repository;

public sealed partial class TufRepository
{
    /// <summary>Copies the pending root to <paramref name="path"/>, for a holder to sign on another machine.</summary>
    public void ExportPending(string path)
    {
        if (!File.Exists(PendingRootPath)) throw TufRepositoryErrors.Pending("nothing is pending in this repository");
        AtomicFile.Write(path, File.ReadAllBytes(PendingRootPath));
    }

    /// <summary>Adds <paramref name="signer"/>'s signature to an exported pending file (on the holder's machine; no repository needed).</summary>
    public static async Task SignPendingFileAsync(string path, ITufSigner signer, CancellationToken cancellationToken = default)
    {
        var md = TufMetadata<RootMetadata>.FromBytes(File.ReadAllBytes(path), TufRoleNames.Root);
        var others = md.Signatures.Where(s => s.KeyId != signer.KeyId).ToList();
        await md.SignAsync(signer, append: false, cancellationToken).ConfigureAwait(false);
        md.Signatures.InsertRange(0, others);
        AtomicFile.Write(path, md.ToBytes(indented: true));
    }

    /// <summary>
    /// Takes the signatures of an exported, signed pending file into the repository's pending root: the file must
    /// be the same root (same signed content), and every signature it adds must be a valid one of a key of the
    /// old or the new root; otherwise nothing is taken. Returns who still has to sign.
    /// </summary>
    public List<string> ImportPending(string path)
    {
        var pending = PendingRoot ?? throw TufRepositoryErrors.Pending("nothing is pending in this repository");
        TufMetadata<RootMetadata> incoming;
        try
        {
            incoming = TufMetadata<RootMetadata>.FromBytes(File.ReadAllBytes(path), TufRoleNames.Root);
        }
        catch (Contracts.OpsException e)
        {
            throw TufRepositoryErrors.Pending($"'{path}' is not root metadata ({e.Message})");
        }
        if (!pending.SignedBytes().AsSpan().SequenceEqual(incoming.SignedBytes()))
            throw TufRepositoryErrors.Pending($"'{path}' is not the pending root {pending.Signed.Version} (its signed content differs)");
        var old = Root.Signed;
        var keys = new Dictionary<string, TufKey>(old.Keys, StringComparer.Ordinal);
        foreach (var (id, k) in pending.Signed.Keys) keys[id] = k;
        var rootIds = old.Roles[TufRoleNames.Root].KeyIds.Concat(pending.Signed.Roles[TufRoleNames.Root].KeyIds).ToHashSet(StringComparer.Ordinal);
        foreach (var s in incoming.Signatures.Where(s => !pending.Signatures.Any(p => p.KeyId == s.KeyId && p.SignatureHex == s.SignatureHex)))
        {
            if (!rootIds.Contains(s.KeyId) || s.TryDecode() is not { } sig || !keys[s.KeyId].Verify(sig, incoming.SignedBytes()))
                throw TufRepositoryErrors.Pending($"the signature of key {s.KeyId[..Math.Min(12, s.KeyId.Length)]} in '{path}' is not a valid signature of an old or new root key; nothing was imported");
            pending.Signatures.RemoveAll(p => p.KeyId == s.KeyId);
            pending.Signatures.Add(s);
        }
        AtomicFile.Write(PendingRootPath, pending.ToBytes(indented: true));
        AppendChangeLog("pending-imported", $"signatures for root {pending.Signed.Version} from {Path.GetFileName(path)}");
        return MissingRootSignatures(pending);
    }
}
