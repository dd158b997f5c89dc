namespace StellaOps.Ops.Contracts.Text;

/// <summary>"Did you mean …?" for mistyped commands, flags and setting names, on both sides of the pipe.</summary>
public static class Fuzzy
{
    /// <summary>The candidate closest to <paramref name="input"/> by edit distance, if it is close enough to be a typo.</summary>
    public static string? Closest(string input, IEnumerable<string> candidates)
    {
        string? best = null;
        var bestDistance = int.MaxValue;
        foreach (var c in candidates)
        {
            var d = Distance(input.ToLowerInvariant(), c.ToLowerInvariant());
            // A prefix or a contained word is a strong hint even when the edit distance is large.
            if (c.StartsWith(input, StringComparison.OrdinalIgnoreCase) || c.Contains(input, StringComparison.OrdinalIgnoreCase)) d = Math.Min(d, 1);
            if (d < bestDistance) { bestDistance = d; best = c; }
        }
        var limit = Math.Max(2, input.Length / 2);
        return bestDistance <= limit ? best : null;
    }

    /// <summary>Optimal string alignment distance (Levenshtein plus adjacent transpositions).</summary>
    public static int Distance(string a, string b)
    {
        var d = new int[a.Length + 1, b.Length + 1];
        for (var i = 0; i <= a.Length; i++) d[i, 0] = i;
        for (var j = 0; j <= b.Length; j++) d[0, j] = j;
        for (var i = 1; i <= a.Length; i++)
        {
            for (var j = 1; j <= b.Length; j++)
            {
                var cost = a[i - 1] == b[j - 1] ? 0 : 1;
                d[i, j] = Math.Min(Math.Min(d[i - 1, j] + 1, d[i, j - 1] + 1), d[i - 1, j - 1] + cost);
                if (i > 1 && j > 1 && a[i - 1] == b[j - 2] && a[i - 2] == b[j - 1])
                    d[i, j] = Math.Min(d[i, j], d[i - 2, j - 2] + 1);
            }
        }
        return d[a.Length, b.Length];
    }
}
