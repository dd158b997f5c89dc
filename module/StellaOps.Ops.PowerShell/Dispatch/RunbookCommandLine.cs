using System.Collections;
using System.Management.Automation;
using StellaOps.Ops.Contracts.Text;

namespace StellaOps.Ops.PowerShell.Dispatch;

/// <summary>
/// The parser behind the <c>stella</c> function: <c>stella &lt;group&gt; [&lt;sub&gt;] &lt;verb&gt; [args] [--flags]</c>.
/// The longest run of words that names a command wins; then <c>--flag value</c>, <c>--flag=value</c> and
/// <c>-Name:value</c> (PowerShell's switch syntax: <c>-Confirm:$false</c>) and positionals in order. A bare <c>\</c> (a pasted shell line continuation) is ignored.
/// <c>--help</c> after a command's words answers that command's help instead of running it.
/// </summary>
public static class RunbookCommandLine
{
    private sealed class Node
    {
        public readonly SortedDictionary<string, Node> Children = new(StringComparer.OrdinalIgnoreCase);
        public CommandSpec? Spec;
    }

    private static readonly Lazy<Node> Root = new(() =>
    {
        var root = new Node();
        foreach (var spec in RunbookGrammar.Commands)
        {
            var node = root;
            foreach (var w in spec.WordList)
            {
                if (!node.Children.TryGetValue(w, out var next)) node.Children[w] = next = new Node();
                node = next;
            }
            if (node.Spec is not null) throw new InvalidOperationException($"Duplicate runbook command 'stella {spec.Words}'.");
            node.Spec = spec;
        }
        return root;
    });

    /// <summary>For the psm1: parse the function's arguments, recovering the text PowerShell turned into numbers.</summary>
    public static RunbookInvocation Resolve(object?[]? arguments, InvocationInfo? invocation)
    {
        try
        {
            return Parse(ArgumentText.Recover(arguments ?? [], invocation));
        }
        catch (RunbookSyntaxException ex)
        {
            return new RunbookInvocation { Error = ex.ToErrorRecord() };
        }
    }

    /// <summary>Parses the words of a runbook line (after <c>stella</c>). Throws <see cref="RunbookSyntaxException"/>.</summary>
    public static RunbookInvocation Parse(IReadOnlyList<string> arguments)
    {
        var args = arguments.Where(a => a != "\\").ToList();
        var node = Root.Value;
        var path = new List<string>();
        var i = 0;
        while (i < args.Count && !IsFlag(args[i]) && node.Children.TryGetValue(args[i], out var next))
        {
            path.Add(args[i].ToLowerInvariant());
            node = next;
            i++;
        }

        if (node.Spec is null)
        {
            var said = path.Count == 0 ? "stella" : "stella " + string.Join(' ', path);
            var valid = Commands(node).ToList();
            if (i >= args.Count || IsFlag(args[i]))
            {
                throw new RunbookSyntaxException("IncompleteCommand", ErrorCategory.InvalidArgument,
                    $"'{said}' needs a command: {string.Join(", ", valid.Select(v => $"'{v}'").Take(12))}{(valid.Count > 12 ? ", …" : "")}.",
                    valid.FirstOrDefault(), said);
            }
            var word = args[i];
            var closestWord = Fuzzy.Closest(word, node.Children.Keys);
            if (closestWord is null)
            {
                // Nothing is a likely typo: a far "closest" command only misleads, so say what can come here.
                var next = string.Join(", ", node.Children.Keys);
                throw new RunbookSyntaxException("UnknownCommand", ErrorCategory.ObjectNotFound,
                    path.Count == 0
                        ? $"'stella {word}' is not a stella command. The command groups are: {next} ('stella <group>' lists a group's commands)."
                        : $"'{said} {word}' is not a stella command. After '{said}' comes one of: {next}.", null, word);
            }
            var suggestion = Commands(node.Children[closestWord]).First();
            throw new RunbookSyntaxException("UnknownCommand", ErrorCategory.ObjectNotFound,
                $"'{said} {word}' is not a stella command. The closest is '{suggestion}'.", suggestion, word);
        }

        var spec = node.Spec;
        // --help anywhere after the command's words: its help, whatever else the line says (it runs nothing).
        if (args.Skip(i).Any(a => a.Equals("--help", StringComparison.OrdinalIgnoreCase))) return new RunbookInvocation { Spec = spec, Help = spec.Help };
        if (spec.Cmdlet is null)
        {
            throw new RunbookSyntaxException("NotImplemented", ErrorCategory.NotImplemented,
                $"'stella {spec.Words}' is not implemented yet in this release (it will call {spec.PlannedCmdlet}).", null, "stella " + spec.Words);
        }

        var parameters = new Hashtable(StringComparer.OrdinalIgnoreCase);
        foreach (var (k, v) in spec.Fixed) parameters[k] = v;
        var flags = spec.Flags.Concat(RunbookGrammar.GlobalFlags).ToList();
        var positional = 0;
        for (; i < args.Count; i++)
        {
            var a = args[i];
            if (IsFlag(a))
            {
                string name = a, value = null!;
                var hasInline = false;
                var eq = a.IndexOf('=');
                if (eq > 0) { name = a[..eq]; value = a[(eq + 1)..]; hasInline = true; }
                // PowerShell's -Name:value (a script's -Confirm:$false, -WhatIf:$flag) arrives as "-Name:" and the value.
                else if (a.EndsWith(':'))
                {
                    name = a[..^1];
                    if (i + 1 < args.Count) { value = args[++i]; hasInline = true; }
                }
                var key = RunbookGrammar.FlagKey(name);
                var flag = flags.FirstOrDefault(f => f.Key == key);
                if (flag is null)
                {
                    var closest = Fuzzy.Closest(name, flags.Select(f => f.Flag));
                    throw new RunbookSyntaxException("UnknownFlag", ErrorCategory.InvalidArgument,
                        $"'stella {spec.Words}' has no flag '{name}'.{(closest is null ? "" : $" The closest is '{closest}'.")} Usage: {spec.Usage}", closest, name);
                }
                if (flag.Kind == FlagKind.Switch)
                {
                    var on = !hasInline || !(value.Equals("false", StringComparison.OrdinalIgnoreCase) || value == "0" || value.Equals("$false", StringComparison.OrdinalIgnoreCase));
                    parameters[flag.Parameter] = flag.Convert is null ? new SwitchParameter(on) : flag.Convert(value ?? "");
                    continue;
                }
                if (!hasInline)
                {
                    if (i + 1 >= args.Count || (IsFlag(args[i + 1]) && !LooksNegativeNumber(args[i + 1])))
                        throw new RunbookSyntaxException("MissingFlagValue", ErrorCategory.InvalidArgument,
                            $"'{flag.Flag}' needs a value. Usage: {spec.Usage}", null, flag.Flag);
                    value = args[++i];
                }
                parameters[flag.Parameter] = Convert(value, flag.Convert, flag.Flag, spec);
                continue;
            }

            if (positional >= spec.Positionals.Count)
            {
                throw new RunbookSyntaxException("UnexpectedArgument", ErrorCategory.InvalidArgument,
                    $"'stella {spec.Words}' takes no further argument '{a}'. Usage: {spec.Usage}", null, a);
            }
            var p = spec.Positionals[positional++];
            parameters[p.Parameter] = Convert(a, p.Convert, $"<{p.Placeholder}>", spec);
        }
        for (; positional < spec.Positionals.Count; positional++)
        {
            var p = spec.Positionals[positional];
            if (p.Required)
                throw new RunbookSyntaxException("MissingArgument", ErrorCategory.InvalidArgument,
                    $"'stella {spec.Words}' needs <{p.Placeholder}>. Usage: {spec.Usage}", null, p.Placeholder);
        }
        return new RunbookInvocation { CommandName = spec.Cmdlet, Parameters = parameters, Spec = spec };
    }

    private static object Convert(string value, Func<string, object>? convert, string what, CommandSpec spec)
    {
        if (convert is null) return value;
        try
        {
            return convert(value);
        }
        catch (Exception ex) when (ex is FormatException or OverflowException or ArgumentException)
        {
            throw new RunbookSyntaxException("InvalidFlagValue", ErrorCategory.InvalidArgument,
                $"Invalid value '{value}' for {what}: {ex.Message} Usage: {spec.Usage}", null, value);
        }
    }

    private static bool IsFlag(string a) => a.Length > 1 && a[0] == '-' && !LooksNegativeNumber(a);

    private static bool LooksNegativeNumber(string a) => a.Length > 1 && a[0] == '-' && (char.IsAsciiDigit(a[1]) || a[1] == '.');

    private static IEnumerable<string> Commands(Node node)
    {
        if (node.Spec is not null) yield return "stella " + node.Spec.Words;
        foreach (var child in node.Children.Values)
            foreach (var c in Commands(child)) yield return c;
    }

    /// <summary>Every runbook command the dispatcher knows, with its cmdlet (null when not implemented yet).</summary>
    public static IEnumerable<CommandSpec> All => RunbookGrammar.Commands;
}
