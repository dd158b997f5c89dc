using System.Text.RegularExpressions;

namespace StellaOps.Ops.Contracts.Text;

/// <summary>PowerShell-style wildcards (<c>*</c>, <c>?</c>), case-insensitive, for name filters evaluated in the daemon.</summary>
public sealed class WildcardMatcher
{
    private readonly Regex? _regex;
    private readonly string _literal;

    public WildcardMatcher(string pattern)
    {
        _literal = pattern;
        HasWildcards = pattern.IndexOfAny(['*', '?']) >= 0;
        if (HasWildcards)
        {
            var rx = "^" + Regex.Escape(pattern).Replace(@"\*", ".*", StringComparison.Ordinal).Replace(@"\?", ".", StringComparison.Ordinal) + "$";
            _regex = new Regex(rx, RegexOptions.IgnoreCase | RegexOptions.CultureInvariant, TimeSpan.FromMilliseconds(100));
        }
    }

    public bool HasWildcards { get; }

    public bool IsMatch(string value) => _regex?.IsMatch(value) ?? string.Equals(_literal, value, StringComparison.OrdinalIgnoreCase);
}
