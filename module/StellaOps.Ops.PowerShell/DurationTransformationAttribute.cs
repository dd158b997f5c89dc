using System.Management.Automation;
using StellaOps.Ops.Contracts;

namespace StellaOps.Ops.PowerShell;

/// <summary>
/// Keeps runbook durations typed without quotes: PowerShell reads <c>5s</c> as the Int16 5 and <c>365d</c> as the
/// decimal 365 before binding, and the default conversion of those to a <see cref="Duration"/> is not what was meant.
/// Strings go through <see cref="Duration.Parse"/>; an Int16 is seconds, a decimal is days; a TimeSpan is kept.
/// </summary>
public sealed class DurationTransformationAttribute : ArgumentTransformationAttribute
{
    public override object Transform(EngineIntrinsics engineIntrinsics, object inputData)
    {
        var value = inputData is PSObject pso ? pso.BaseObject : inputData;
        try
        {
            return value switch
            {
                null => null!,
                Duration d => d,
                TimeSpan t => new Duration(t),
                string s => Duration.Parse(s),
                short n => Duration.FromSeconds(n),
                decimal days => Duration.FromDays((double)days),
                _ => inputData,
            };
        }
        catch (FormatException ex)
        {
            throw new ArgumentTransformationMetadataException(ex.Message, ex);
        }
    }
}
