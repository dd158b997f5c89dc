namespace StellaOps.Ops.PowerShell.Dispatch;

/// <summary>One positional argument (<c>&lt;name&gt;</c>, <c>&lt;value&gt;</c>) and the parameter it becomes.</summary>
public sealed record PositionalSpec(string Placeholder, string Parameter, Func<string, object>? Convert = null, bool Required = true);
