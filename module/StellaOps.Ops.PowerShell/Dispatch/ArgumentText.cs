using System.Globalization;
using System.Management.Automation;
using System.Management.Automation.Language;

namespace StellaOps.Ops.PowerShell.Dispatch;

/// <summary>
/// Gets back what the user typed. PowerShell reads <c>60s</c> as the Int16 60 and <c>30d</c> as the decimal 30
/// (numeric literal suffixes) before a function sees them; the runbooks mean durations. The source text comes
/// from the invocation's AST when it lines up with the arguments, else from the suffix the type implies.
/// </summary>
public static class ArgumentText
{
    public static IReadOnlyList<string> Recover(object?[] arguments, InvocationInfo? invocation)
    {
        var texts = Elements(invocation, arguments.Length);
        var result = new List<string>(arguments.Length);
        for (var i = 0; i < arguments.Length; i++)
        {
            var value = arguments[i] is PSObject pso ? pso.BaseObject : arguments[i];
            switch (value)
            {
                case null: result.Add(""); break;
                case string s: result.Add(s); break;
                case var _ when IsSuffixed(value) && texts is not null && texts[i] is { } text:
                    result.Add(text);
                    break;
                case short n: result.Add(n.ToString(CultureInfo.InvariantCulture) + "s"); break;
                case decimal d: result.Add(d.ToString(CultureInfo.InvariantCulture) + "d"); break;
                case IFormattable f: result.Add(f.ToString(null, CultureInfo.InvariantCulture)); break;
                default: result.Add(value.ToString() ?? ""); break;
            }
        }
        return result;
    }

    private static bool IsSuffixed(object value)
        => value is short or decimal or sbyte or long or ushort or uint or ulong or byte or global::System.Numerics.BigInteger;

    /// <summary>The source text of each numeric-literal argument, by argument index, or null when it does not line up.</summary>
    private static string?[]? Elements(InvocationInfo? invocation, int count)
    {
        if (invocation is null || string.IsNullOrEmpty(invocation.Line) || count == 0) return null;
        try
        {
            var ast = Parser.ParseInput(invocation.Line, out _, out _);
            var start = invocation.OffsetInLine - 1;
            var command = ast.FindAll(a => a is CommandAst c && c.Extent.StartColumnNumber - 1 == start, true).OfType<CommandAst>().FirstOrDefault();
            if (command is null) return null;
            var elements = command.CommandElements.Skip(1).ToList();
            if (elements.Count != count) return null;
            return elements.Select(e => e is ConstantExpressionAst and not StringConstantExpressionAst ? e.Extent.Text : null).ToArray();
        }
        catch (Exception)
        {
            return null;
        }
    }
}
