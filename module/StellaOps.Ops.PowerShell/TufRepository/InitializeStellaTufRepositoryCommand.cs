using System.Management.Automation;
using StellaOps.Ops.Tuf.Repository;
using TufRepo = StellaOps.Ops.Tuf.Repository.TufRepository;

namespace StellaOps.Ops.PowerShell.TufRepository;

/// <summary>tuf-ceremony init: a new repository with M-of-N root keys, online keys, consistent snapshots, expiry policies and a ceremony record.</summary>
[Cmdlet(VerbsData.Initialize, "StellaTufRepository", SupportsShouldProcess = true)]
[OutputType(typeof(TufCeremonyRecord))]
public sealed class InitializeStellaTufRepositoryCommand : TufRootKeyCmdlet
{
    [Parameter]
    [ValidateRange(1, 64)]
    public int Threshold { get; set; } = 3;

    [Parameter]
    [ValidateRange(1, 64)]
    public int Keys { get; set; } = 5;

    [Parameter]
    [ValidateSet("ed25519", "ecdsa-p256")]
    public string Algorithm { get; set; } = "ed25519";

    /// <summary>The key holders' names, one per key (default holder-1 … holder-N).</summary>
    [Parameter]
    public string[]? Holder { get; set; }

    /// <summary>Holders whose root key is generated on their own PKCS#11 token: @{ alice = 'alice-token-label'; … } (the rest get key files).</summary>
    [Parameter]
    public System.Collections.Hashtable? Token { get; set; }

    /// <summary>The Rekor URL the first signing config names.</summary>
    [Parameter]
    public Uri RekorUrl { get; set; } = new("https://rekor.sigstore.dev");

    /// <summary>PBKDF2 iterations of the key files (default 600000).</summary>
    [Parameter]
    [ValidateRange(10_000, 10_000_000)]
    public int KdfIterations { get; set; } = 600_000;

    protected override void ProcessRecord()
    {
        var path = RepoPath;
        if (!ShouldProcess(path, $"Create a TUF repository with {Threshold} of {Keys} {Algorithm} root keys")) return;
        Run(async () =>
        {
            var options = new TufCeremonyOptions { Threshold = Threshold, Keys = Keys, Algorithm = Algorithm, Holders = Holder, KdfIterations = KdfIterations, Tokens = Tokens(Token) };
            var online = OnlinePassword();
            var (_, record) = await TufRepo.InitializeAsync(path, options, h => RootPassword(h)!, online,
                SigstoreTargetEditor.InitialContent(RekorUrl, DateTimeOffset.UtcNow));
            WriteObject(record);
        });
    }
}
