using System.Management.Automation;
using StellaOps.Ops.Tuf.Repository;
using TufRepo = StellaOps.Ops.Tuf.Repository.TufRepository;

namespace StellaOps.Ops.PowerShell.TufRepository;

/// <summary>Signs an exported pending root with one holder's key file, on that holder's machine (no repository needed).</summary>
[Cmdlet(VerbsCommon.Add, "StellaTufSignature", SupportsShouldProcess = true, DefaultParameterSetName = "KeyFile")]
[OutputType(typeof(FileInfo))]
public sealed class AddStellaTufSignatureCommand : TufRootKeyCmdlet
{
    [Parameter(Mandatory = true, Position = 0)]
    public string Path { get; set; } = "";

    [Parameter(Mandatory = true, ParameterSetName = "KeyFile")]
    public string KeyFile { get; set; } = "";

    /// <summary>The label of your PKCS#11 token holding your root key (instead of a key file).</summary>
    [Parameter(Mandatory = true, ParameterSetName = "Token")]
    public string TokenLabel { get; set; } = "";

    /// <summary>Your name as the ceremony recorded it (for the PIN prompt and a {holder} PIN source).</summary>
    [Parameter(ParameterSetName = "Token")]
    public string HolderName { get; set; } = "holder";

    protected override void ProcessRecord() => Run(async () =>
    {
        var path = ResolvePath(Path);
        if (ParameterSetName == "Token")
        {
            if (!ShouldProcess(path, $"Sign with the root key on token '{TokenLabel}'")) return;
            var pending = StellaOps.Ops.Tuf.TufMetadata<StellaOps.Ops.Tuf.RootMetadata>.FromBytes(File.ReadAllBytes(path), StellaOps.Ops.Tuf.TufRoleNames.Root);
            var token = new RootKeyToken { Module = ModulePath(null), Label = TokenLabel, Pin = TokenPin(HolderName, TokenLabel)! };
            await using var onToken = await TufTokenSigner.FindAsync(token, pending.Signed.Keys.Keys.ToList(), HolderName);
            await TufRepo.SignPendingFileAsync(path, onToken);
            WriteObject(new FileInfo(path));
            return;
        }
        if (!ShouldProcess(path, $"Sign with {KeyFile}")) return;
        var password = RootPassword(System.IO.Path.GetFileName(KeyFile))!;
        using var signer = TufKeyFile.Load(ResolvePath(KeyFile), password);
        Array.Clear(password);
        await TufRepo.SignPendingFileAsync(path, signer);
        WriteObject(new FileInfo(path));
    });
}
