using System.Management.Automation;
using StellaOps.Ops.Tuf.Repository;

namespace StellaOps.Ops.PowerShell.TufRepository;

/// <summary>rotate-rekor-key.sh add-key: adds a log key to trusted_root.json with a window open from now (the grace period is the overlap); re-signed.</summary>
[Cmdlet(VerbsCommon.Add, "StellaTufRekorKey", SupportsShouldProcess = true)]
[OutputType(typeof(TufSignResult))]
public sealed class AddStellaTufRekorKeyCommand : TufTargetEditCmdlet
{
    /// <summary>The log's public key, PEM SubjectPublicKeyInfo.</summary>
    [Parameter(Mandatory = true, Position = 0)]
    public string PublicKey { get; set; } = "";

    /// <summary>The key's name for later commands (default: the file name without extension and a leading "new-": new-rekor-key-v2.pub → rekor-key-v2).</summary>
    [Parameter]
    public string? Name { get; set; }

    /// <summary>The log's URL (default: the Rekor URL the signing config selects now).</summary>
    [Parameter]
    public Uri? Url { get; set; }

    protected override void ProcessRecord() => Run(async () =>
    {
        var repo = OpenRepository();
        var file = ResolvePath(PublicKey);
        if (!File.Exists(file)) throw new ArgumentException($"The public key file '{file}' does not exist.");
        var stem = System.IO.Path.GetFileNameWithoutExtension(file);
        var name = Name ?? (stem.StartsWith("new-", StringComparison.Ordinal) ? stem[4..] : stem);
        if (repo.Config.LogKeyNames.ContainsKey(name)) throw TufRepositoryErrors.TargetEdit(SigstoreTargetEditor.TrustedRoot, $"a log key is already named '{name}'");
        if (!ShouldProcess(repo.Directory, $"Add the Rekor key '{name}'")) return;
        var now = repo.Now;
        var url = Url ?? SigstoreTargetEditor.ActiveRekorUrl(repo.ReadContent(SigstoreTargetEditor.SigningConfig) ?? [], now)
            ?? throw TufRepositoryErrors.TargetEdit(SigstoreTargetEditor.TrustedRoot, "no Rekor URL is in use now; give -Url");
        var pem = File.ReadAllText(file);
        string logId = "";
        var result = await EditAsync(repo, SigstoreTargetEditor.TrustedRoot, b =>
        {
            var (doc, id) = SigstoreTargetEditor.AddLogKey(b, pem, url, now);
            logId = id;
            return doc;
        }, "rekor-key-added", $"{name} ({url})", new() { ["name"] = name });
        repo.Config.LogKeyNames[name] = logId;
        repo.Config.Write(repo.Directory);
        WriteObject(result);
    });
}
