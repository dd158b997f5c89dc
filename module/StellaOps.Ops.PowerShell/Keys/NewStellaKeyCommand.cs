using System.Management.Automation;
using StellaOps.Ops.Contracts;
using StellaOps.Ops.Contracts.Rpc;

namespace StellaOps.Ops.PowerShell.Keys;

/// <summary>New-StellaKey: generates a key in the HSM or in software (inactive until Enable-StellaKey).</summary>
[Cmdlet(VerbsCommon.New, "StellaKey", SupportsShouldProcess = true, ConfirmImpact = ConfirmImpact.Medium)]
[OutputType(typeof(KeyInfo))]
public sealed class NewStellaKeyCommand : StellaCmdlet
{
    [Parameter]
    public KeyType Type { get; set; } = KeyType.Signing;

    [Parameter]
    [KeyAlgorithmTransformation]
    [ArgumentCompletions("ecdsa-p256", "ecdsa-p384", "rsa-3072", "ed25519")]
    public KeyAlgorithm Algorithm { get; set; } = KeyAlgorithm.EcdsaP256;

    [Parameter]
    [DurationTransformation]
    public Duration? Validity { get; set; }

    [Parameter(Position = 0)]
    [ValidateNotNullOrEmpty]
    public string? Name { get; set; }

    [Parameter]
    [ValidateNotNullOrEmpty]
    public string? HsmSlot { get; set; }

    [Parameter]
    public KeyProvider? Provider { get; set; }

    [Parameter]
    [ValidateNotNullOrEmpty]
    public string? Purpose { get; set; }

    protected override void ProcessRecord()
    {
        var request = new KeyGenerationRequest
        {
            Type = Type,
            Algorithm = Algorithm,
            Name = Name,
            HsmSlot = HsmSlot,
            Provider = Provider,
        };
        if (Validity is { } v) request = request with { Validity = v };
        if (Purpose is not null) request = request with { Purpose = Purpose };
        var where = Provider?.ToString() ?? (HsmSlot is null ? "the configured provider" : $"HSM slot {HsmSlot}");
        if (!ShouldProcess(Name ?? "(unnamed key)", $"Generate a {Algorithm.ToName()} {Type} key valid for {request.Validity} in {where}")) return;
        var key = InvokeForItem((c, p, ct) => c.Keys.GenerateAsync(request, ct), Name, "Generating key");
        if (key is not null) WriteObject(key);
    }
}
