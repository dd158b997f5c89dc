namespace StellaOps.Ops.PowerShell.Dispatch;

/// <summary>How a flag's value is turned into a parameter value.</summary>
public enum FlagKind
{
    /// <summary>A switch: <c>--force</c> → <c>-Force</c>.</summary>
    Switch,
    /// <summary>Takes a value: <c>--level error</c> or <c>--level=error</c>.</summary>
    Value,
}
