using System.Management.Automation;
using StellaOps.Ops.Contracts;

namespace StellaOps.Ops.PowerShell.Keys;

/// <summary>Accepts the runbook algorithm names (ecdsa-p256, rsa-3072, …) as well as the enum names for a <see cref="KeyAlgorithm"/> parameter.</summary>
public sealed class KeyAlgorithmTransformationAttribute : ArgumentTransformationAttribute
{
    public override object Transform(EngineIntrinsics engineIntrinsics, object inputData)
    {
        var value = inputData is PSObject pso ? pso.BaseObject : inputData;
        if (value is string s)
        {
            if (KeyAlgorithmNames.TryParse(s, out var a)) return a;
            if (Enum.TryParse<KeyAlgorithm>(s, ignoreCase: true, out var e) && Enum.IsDefined(e)) return e;
            throw new ArgumentTransformationMetadataException(
                $"Unknown key algorithm '{s}'. Use one of: {string.Join(", ", KeyAlgorithmNames.All)}.");
        }
        return inputData;
    }
}
