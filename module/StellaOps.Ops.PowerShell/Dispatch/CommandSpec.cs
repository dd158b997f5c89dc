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

    /// <summary>
    /// What <c>stella &lt;words&gt; --help</c> writes: the usage, each positional and flag with the cmdlet parameter it
    /// becomes, the flags every line takes, and where the cmdlet's full help is.
    /// </summary>
    public string Help
    {
        get
        {
            var rows = Positionals.Select(p => ($"<{p.Placeholder}>", $"-{p.Parameter}"))
                .Concat(Flags.Select(f => (f.Kind == FlagKind.Switch ? f.Flag : $"{f.Flag} <value>", $"-{f.Parameter}")))
                .Concat(Fixed.Keys.Select(k => ("(always)", $"-{k}")))
                .ToList();
            var width = rows.Count == 0 ? 0 : rows.Max(r => r.Item1.Length);
            var cmdlet = Cmdlet ?? PlannedCmdlet;
            var text = new System.Text.StringBuilder();
            text.Append("Usage: ").Append(Usage).Append('\n');
            text.Append(Cmdlet is null ? $"Not implemented yet in this release (it will call {PlannedCmdlet}).\n" : $"Runs {Cmdlet}:\n");
            foreach (var (left, right) in rows) text.Append("  ").Append(left.PadRight(width)).Append("  ").Append(right).Append('\n');
            text.Append("Every line also takes: ").Append(string.Join(", ", RunbookGrammar.GlobalFlags.Select(f => f.Kind == FlagKind.Switch ? f.Flag : $"{f.Flag} <value>"))).Append('\n');
            text.Append("Full help: Get-Help ").Append(cmdlet).Append(" -Full");
            return text.ToString();
        }
    }
}
