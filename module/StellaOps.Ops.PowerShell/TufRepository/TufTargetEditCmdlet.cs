using System.Text.Json.Nodes;
using StellaOps.Ops.Tuf.Repository;
using TufRepo = StellaOps.Ops.Tuf.Repository.TufRepository;

namespace StellaOps.Ops.PowerShell.TufRepository;

/// <summary>A change to one Sigstore target: edit its source, record it in the change log, re-sign targets, snapshot and timestamp.</summary>
public abstract class TufTargetEditCmdlet : TufRepositoryCmdlet
{
    protected async Task<TufSignResult> EditAsync(TufRepo repo, string target, Func<byte[], byte[]> edit, string action, string? note, JsonObject? details = null)
    {
        var current = repo.ReadContent(target) ?? throw TufRepositoryErrors.TargetEdit(target, "the repository has no such target");
        var next = edit(current);
        repo.WriteContent(target, next);
        repo.AppendChangeLog(action, note, details);
        return await ResignOnlineAsync(repo);
    }
}
