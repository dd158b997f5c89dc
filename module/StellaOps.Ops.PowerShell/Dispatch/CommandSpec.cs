namespace StellaOps.Ops.PowerShell.Dispatch;

/// <summary>
/// One runbook command line shape: its words (<c>attest config get</c>), the cmdlet it calls (null = not
/// implemented yet in this release), fixed parameters, positionals and flags.
/// </summary>
public sealed record CommandSpec(string Words, string? Cmdlet)
{
    public IReadOnlyList<PositionalSpec> Positionals { get; init; } = [];
    public IReadOnlyList<FlagSpec> Flags { get; init; } = [];
    public IReadOnlyDictionary<string, object> Fixed { get; init; } = new Dictionary<string, object>();
    /// <summary>For not-yet-implemented commands: the cmdlet that will serve it (from runbook-commands.md).</summary>
    public string? PlannedCmdlet { get; init; }
    public string[] WordList { get; } = Words.Split(' ', StringSplitOptions.RemoveEmptyEntries);
    public string Usage => "stella " + Words
        + string.Concat(Positionals.Select(p => p.Required ? $" <{p.Placeholder}>" : $" [<{p.Placeholder}>]"))
        + string.Concat(Flags.Select(f => f.Kind == FlagKind.Switch ? $" [{f.Flag}]" : $" [{f.Flag} <value>]"));
}
