using System.Management.Automation;
using StellaOps.Ops.Tuf;
using StellaOps.Ops.Tuf.Repository;

namespace StellaOps.Ops.PowerShell.TufRepository;

/// <summary>sign-metadata.sh: signs what changed with the keys present; a root short of its thresholds stays pending, with who still has to sign.</summary>
[Cmdlet(VerbsData.Update, "StellaTufMetadata", SupportsShouldProcess = true)]
[OutputType(typeof(TufSignResult))]
public sealed class UpdateStellaTufMetadataCommand : TufRootKeyCmdlet
{
    /// <summary>The root key holders present here (default: every holder whose key file opens with the root password given).</summary>
    [Parameter]
    public string[]? Holder { get; set; }

    protected override void ProcessRecord()
    {
        Run(async () =>
        {
            var repo = OpenRepository();
            if (!ShouldProcess(repo.Directory, "Sign the changed TUF metadata")) return;
            var rootSigners = new List<ITufSigner>();
            if (repo.PendingRoot is { } pending)
            {
                var needed = repo.Root.Signed.Roles[TufRoleNames.Root].KeyIds.Concat(pending.Signed.Roles[TufRoleNames.Root].KeyIds).ToHashSet();
                foreach (var h in repo.Config.RootHolders.Where(h => needed.Contains(h.KeyId) && h.TokenLabel is not null && !pending.Signatures.Any(s => s.KeyId == h.KeyId)))
                {
                    // A holder's token: signed there when its PIN is given (or, for a holder named with -Holder, prompted).
                    if (Holder is not null && !Holder.Contains(h.Name)) continue;
                    if (TokenPin(h.Name, h.TokenLabel!, prompt: Holder is not null) is not { } pin) continue;
                    rootSigners.Add(await repo.OpenRootTokenAsync(h, pin, ModulePath(h.TokenModule)));
                }
                foreach (var h in repo.Config.RootHolders.Where(h => needed.Contains(h.KeyId) && h.KeyFile is not null && !pending.Signatures.Any(s => s.KeyId == h.KeyId)))
                {
                    if (Holder is not null && !Holder.Contains(h.Name)) continue;
                    if (!File.Exists(Path.Combine(repo.Directory, h.KeyFile!))) continue;
                    var password = RootPassword(h.Name, prompt: Holder is not null);
                    if (password is null) continue;
                    if (repo.LoadRootKey(h, password) is { } signer) rootSigners.Add(signer);
                    Array.Clear(password);
                }
            }
            TufSignResult result;
            try
            {
                result = await repo.SignAsync(rootSigners, OnlineSigners(repo));
            }
            finally
            {
                foreach (var s in rootSigners) (s as IDisposable)?.Dispose();
            }
            if (result.PendingRootVersion is { } v)
                WriteWarning($"Root {v} is pending (not published until signed); still to sign: {string.Join("; ", result.StillToSign)}.");
            WriteObject(result);
        });
    }
}
