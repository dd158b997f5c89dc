using System.Management.Automation;
using System.Security.Cryptography;
using StellaOps.Ops.Tuf.Repository;

namespace StellaOps.Ops.PowerShell.TufRepository;

/// <summary>rotate-signing-key.sh generate: a new issuer signing key (encrypted key file under keys/signing/), its public key published in signing-keys.json from now; re-signed.</summary>
[Cmdlet(VerbsCommon.New, "StellaTufSigningKey", SupportsShouldProcess = true)]
[OutputType(typeof(string))]
public sealed class NewStellaTufSigningKeyCommand : TufTargetEditCmdlet
{
    [Parameter]
    [ValidateSet("ecdsa-p256", "ed25519")]
    public string KeyType { get; set; } = "ecdsa-p256";

    [Parameter]
    public string? Name { get; set; }

    protected override void ProcessRecord() => Run(async () =>
    {
        var repo = OpenRepository();
        var now = repo.Now;
        var name = Name ?? $"signing-key-{now:yyyyMMddHHmmss}";
        if (!ShouldProcess(repo.Directory, $"Generate the signing key '{name}'")) return;
        var password = OnlinePassword();
        var (signer, pem) = TufKeyFile.Generate(KeyType, password, repo.Config.KdfIterations);
        using (signer)
        {
            var file = Path.Combine(repo.Directory, "keys", "signing", name + ".p8");
            if (File.Exists(file)) throw TufRepositoryErrors.TargetEdit(SigstoreTargetEditor.SigningKeys, $"a key file for '{name}' exists");
            Directory.CreateDirectory(Path.GetDirectoryName(file)!);
            File.WriteAllBytes(file, pem);
            if (!OperatingSystem.IsWindows()) File.SetUnixFileMode(file, UnixFileMode.UserRead | UnixFileMode.UserWrite);
            var publicPem = signer.PublicKey.KeyType == "ed25519" ? Ed25519Pem(signer.PublicKey.PublicValue) : signer.PublicKey.PublicValue;
            await EditAsync(repo, SigstoreTargetEditor.SigningKeys, b => SigstoreTargetEditor.AddSigningKey(b, name, KeyType, publicPem, now), "signing-key-generated", name);
            WriteObject(publicPem.TrimEnd());
        }
    });

    private static string Ed25519Pem(string hex)
    {
        byte[] prefix = [0x30, 0x2a, 0x30, 0x05, 0x06, 0x03, 0x2b, 0x65, 0x70, 0x03, 0x21, 0x00];
        return PemEncoding.WriteString("PUBLIC KEY", [.. prefix, .. Convert.FromHexString(hex)]) + "\n";
    }
}
