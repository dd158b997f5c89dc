namespace StellaOps.Ops.PowerShell.Dispatch;

/// <summary>One <c>--flag</c> of a runbook command and the cmdlet parameter it becomes.</summary>
public sealed record FlagSpec(string Flag, string Parameter, FlagKind Kind = FlagKind.Value, Func<string, object>? Convert = null)
{
    /// <summary>The comparison key: lower case, no dashes (<c>--what-if</c>, <c>-WhatIf</c> → <c>whatif</c>).</summary>
    public string Key { get; } = RunbookGrammar.FlagKey(Flag);
}
