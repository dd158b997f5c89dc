using System.ComponentModel;
using System.Globalization;
using System.Text.Json.Serialization;

namespace StellaOps.Ops.Contracts;

/// <summary>
/// A length of time in the runbooks' form: <c>60s</c>, <c>30m</c>, <c>1h</c>, <c>7d</c>, <c>365d</c>, also
/// <c>500ms</c>, <c>2w</c>, compound <c>1h30m</c>, or a .NET <see cref="TimeSpan"/> text (<c>01:00:00</c>).
/// PowerShell converts strings through <see cref="Parse(string)"/> and TimeSpans through the constructor, so a
/// parameter of this type takes <c>-Last 30m</c> and <c>-Last (New-TimeSpan -Minutes 30)</c> alike.
/// </summary>
[TypeConverter(typeof(DurationTypeConverter))]
[JsonConverter(typeof(DurationJsonConverter))]
public readonly record struct Duration(TimeSpan Value) : IComparable<Duration>
{
    public static Duration Parse(string text) => TryParse(text, out var d)
        ? d
        : throw new FormatException($"'{text}' is not a duration. Use a number and a unit, like 60s, 30m, 1h, 7d or 365d.");

    public static bool TryParse(string? text, out Duration duration)
    {
        duration = default;
        if (string.IsNullOrWhiteSpace(text)) return false;
        var s = text.Trim().ToLowerInvariant();
        if (s.Contains(':') && TimeSpan.TryParse(s, CultureInfo.InvariantCulture, out var ts) && ts >= TimeSpan.Zero)
        {
            duration = new Duration(ts);
            return true;
        }

        var total = TimeSpan.Zero;
        var i = 0;
        var any = false;
        while (i < s.Length)
        {
            var start = i;
            while (i < s.Length && (char.IsAsciiDigit(s[i]) || s[i] == '.')) i++;
            if (i == start) return false;
            if (!double.TryParse(s.AsSpan(start, i - start), NumberStyles.AllowDecimalPoint, CultureInfo.InvariantCulture, out var n)) return false;
            var unitStart = i;
            while (i < s.Length && char.IsAsciiLetter(s[i])) i++;
            var unit = s[unitStart..i];
            TimeSpan part;
            try
            {
                part = unit switch
                {
                    "ms" => TimeSpan.FromMilliseconds(n),
                    "s" or "sec" or "secs" or "second" or "seconds" or "" => TimeSpan.FromSeconds(n),
                    "m" or "min" or "mins" or "minute" or "minutes" => TimeSpan.FromMinutes(n),
                    "h" or "hr" or "hour" or "hours" => TimeSpan.FromHours(n),
                    "d" or "day" or "days" => TimeSpan.FromDays(n),
                    "w" or "week" or "weeks" => TimeSpan.FromDays(7 * n),
                    _ => TimeSpan.MinValue,
                };
            }
            catch (OverflowException) { return false; }
            if (part == TimeSpan.MinValue) return false;
            // A bare number is only accepted alone ("300" = 300 seconds), never inside a compound.
            if (unit.Length == 0 && (any || i < s.Length)) return false;
            total += part;
            any = true;
        }
        duration = new Duration(total);
        return any;
    }

    public static implicit operator TimeSpan(Duration d) => d.Value;
    public static implicit operator Duration(TimeSpan t) => new(t);

    public static Duration FromSeconds(double s) => new(TimeSpan.FromSeconds(s));
    public static Duration FromDays(double d) => new(TimeSpan.FromDays(d));

    public int CompareTo(Duration other) => Value.CompareTo(other.Value);

    /// <summary>The shortest runbook form that round-trips: <c>60s</c> prints as <c>1m</c>, <c>90m</c> as <c>1h30m</c>.</summary>
    public override string ToString()
    {
        var t = Value;
        if (t == TimeSpan.Zero) return "0s";
        var parts = new System.Text.StringBuilder();
        if (t < TimeSpan.Zero) { parts.Append('-'); t = t.Negate(); }
        if (t.Days > 0) parts.Append(t.Days).Append('d');
        if (t.Hours > 0) parts.Append(t.Hours).Append('h');
        if (t.Minutes > 0) parts.Append(t.Minutes).Append('m');
        if (t.Seconds > 0) parts.Append(t.Seconds).Append('s');
        if (t.Milliseconds > 0) parts.Append(t.Milliseconds).Append("ms");
        return parts.ToString();
    }
}
