using System.Management.Automation;

namespace StellaOps.Ops.PowerShell.Attestor;

/// <summary>Binds Get-StellaAttestation -Last: a bare number is a count, anything else a duration (<see cref="RecentArgument.From"/>).</summary>
public sealed class RecentTransformationAttribute : ArgumentTransformationAttribute
{
    public override object Transform(EngineIntrinsics engineIntrinsics, object inputData)
    {
        var value = inputData is PSObject pso ? pso.BaseObject : inputData;
        if (value is null) return null!;
        try
        {
            return RecentArgument.From(value);
        }
        catch (Exception ex) when (ex is FormatException or OverflowException)
        {
            throw new ArgumentTransformationMetadataException(ex.Message, ex);
        }
    }
}
