using System.Management.Automation;
using StellaOps.Ops.Tuf.Repository;

namespace StellaOps.Ops.PowerShell.TufRepository;

/// <summary>tuf-ceremony rotate: proposes the next root (new keys, or the same keys with another threshold), pending until the old threshold signs.</summary>
[Cmdlet(VerbsCommon.New, "StellaTufRootRotation", SupportsShouldProcess = true)]
[OutputType(typeof(TufCeremonyRecord))]
public sealed class NewStellaTufRootRotationCommand : TufRootKeyCmdlet
{
    [Parameter]
    [ValidateRange(1, 64)]
    public int? Threshold { get; set; }

    /// <summary>New root keys for these holders (omit to keep the keys and change only the threshold).</summary>
    [Parameter]
    public string[]? Holder { get; set; }

    [Parameter]
    [ValidateSet("ed25519", "ecdsa-p256")]
    public string? Algorithm { get; set; }

    /// <summary>New holders whose root key is generated on their own PKCS#11 token: @{ dave = 'dave-token-label' }.</summary>
    [Parameter]
    public System.Collections.Hashtable? Token { get; set; }

    protected override void ProcessRecord()
    {
        Run(async () =>
        {
            var repo = OpenRepository();
            if (!ShouldProcess(repo.Directory, $"Propose root {repo.Root.Signed.Version + 1}")) return;
            WriteObject(await repo.ProposeRootRotationAsync(Threshold, Holder, Algorithm, h => RootPassword(h)!, new TufCeremonyOptions { Tokens = Tokens(Token) }));
        });
    }
}
