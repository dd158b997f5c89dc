namespace StellaOps.Ops.Tuf;

/// <summary>
/// Delegation path patterns as the spec (and python-tuf) match them: the pattern and the path are split at <c>/</c>,
/// must have as many segments, and each segment matches shell-style (<c>*</c> any run, <c>?</c> one character,
/// <c>[abc]</c>, <c>[!abc]</c>); so <c>*</c> never crosses a <c>/</c>.
/// </summary>
public static class PathPattern
{
    public static bool Matches(string path, string pattern)
    {
        var p = path.Split('/');
        var q = pattern.Split('/');
        if (p.Length != q.Length) return false;
        for (var i = 0; i < p.Length; i++)
            if (!Segment(p[i], 0, q[i], 0)) return false;
        return true;
    }

    private static bool Segment(string s, int si, string p, int pi)
    {
        while (pi < p.Length)
        {
            var c = p[pi];
            if (c == '*')
            {
                while (pi < p.Length && p[pi] == '*') pi++;
                if (pi == p.Length) return true;
                for (var k = si; k <= s.Length; k++)
                    if (Segment(s, k, p, pi)) return true;
                return false;
            }
            if (si >= s.Length) return false;
            if (c == '?')
            {
                si++;
                pi++;
                continue;
            }
            if (c == '[' && TryClass(p, pi, s[si], out var matched, out var next))
            {
                if (!matched) return false;
                si++;
                pi = next;
                continue;
            }
            if (s[si] != c) return false;
            si++;
            pi++;
        }
        return si == s.Length;
    }

    // fnmatch's [seq] and [!seq], with ranges a-z; an unclosed '[' is a literal.
    private static bool TryClass(string p, int start, char ch, out bool matched, out int next)
    {
        matched = false;
        next = start;
        var i = start + 1;
        var negate = i < p.Length && p[i] == '!';
        if (negate) i++;
        var first = i;
        while (i < p.Length && (p[i] != ']' || i == first)) i++;
        if (i >= p.Length) return false;
        var body = p[first..i];
        var hit = false;
        for (var k = 0; k < body.Length; k++)
        {
            if (k + 2 < body.Length && body[k + 1] == '-')
            {
                if (ch >= body[k] && ch <= body[k + 2]) hit = true;
                k += 2;
            }
            else if (body[k] == ch) hit = true;
        }
        matched = hit != negate;
        next = i + 1;
        return true;
    }
}
