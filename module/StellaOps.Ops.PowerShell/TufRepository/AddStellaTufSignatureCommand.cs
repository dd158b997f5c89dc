using System.Management.Automation;
using StellaOps.Ops.Tuf.Repository;
using TufRepo = StellaOps.Ops.Tuf.Repository.TufRepository;

namespace StellaOps.Ops.PowerShell.TufRepository;

/// <summary>Signs an exported pending root with one holder's key file, on that holder's machine (no repository needed).</summary>
[Cmdlet(VerbsCommon.Add, "StellaTufSignature", SupportsShouldProcess = true)]
[OutputType(typeof(FileInfo))]
public sealed class AddStellaTufSignatureCommand : TufRepositoryCmdlet
{
    [Parameter(Mandatory = true, Position = 0)]
    public string Path { get; set; } = "";

    [Parameter(Mandatory = true)]
    public string KeyFile { get; set; } = "";

    protected override void ProcessRecord() => Run(async () =>
    {
        var path = ResolvePath(Path);
        if (!ShouldProcess(path, $"Sign with {KeyFile}")) return;
        var password = RootPassword(System.IO.Path.GetFileName(KeyFile))!;
        using var signer = TufKeyFile.Load(ResolvePath(KeyFile), password);
        Array.Clear(password);
        await TufRepo.SignPendingFileAsync(path, signer);
        WriteObject(new FileInfo(path));
    });
}
