using System.Globalization;
using StellaOps.Ops.Contracts;

namespace StellaOps.Ops.PowerShell.Attestor;

/// <summary>
/// What Get-StellaAttestation -Last selects: the newest n attestations (<c>-Last 10000</c>, a bare number, as
/// Select-Object -Last counts) or those created within a window (<c>-Last 1h</c>, <c>-Last 7d</c>, a TimeSpan).
/// </summary>
public sealed record RecentArgument
{
    public int? Count { get; init; }
    public Duration? Window { get; init; }

    public override string ToString() => Count is { } n ? $"the newest {n}" : $"created in the last {Window}";

    /// <summary>A count from a whole number (int, long, or digits); a window from anything <see cref="Duration"/> reads.</summary>
    public static RecentArgument From(object? value) => value switch
    {
        RecentArgument r => r,
        int n => FromCount(n),
        long n => FromCount(n),
        string s when s.Length > 0 && s.All(char.IsAsciiDigit) => FromCount(long.Parse(s, CultureInfo.InvariantCulture)),
        Duration d => new RecentArgument { Window = d },
        TimeSpan t => new RecentArgument { Window = new Duration(t) },
        string s => new RecentArgument { Window = Duration.Parse(s) },
        // PowerShell reads 5s as the Int16 5 and 365d as the decimal 365: seconds and days, as for every duration.
        short seconds => new RecentArgument { Window = Duration.FromSeconds(seconds) },
        decimal days => new RecentArgument { Window = Duration.FromDays((double)days) },
        _ => throw new FormatException($"'{value}' is neither a count (-Last 100) nor a duration (-Last 1h, -Last 7d)."),
    };

    private static RecentArgument FromCount(long n) => n is >= 1 and <= int.MaxValue
        ? new RecentArgument { Count = (int)n }
        : throw new FormatException($"-Last {n}: a count must be between 1 and {int.MaxValue}.");
}
