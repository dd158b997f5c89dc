using System.Globalization;

namespace StellaOps.Ops.Daemon.Trust;

/// <summary>Times in the trust tables: ISO-8601 UTC text with seven fraction digits, so text order is time order.</summary>
internal static class StoredTime
{
    public static string Text(DateTimeOffset t) => t.UtcDateTime.ToString("yyyy-MM-dd'T'HH:mm:ss.fffffff'Z'", CultureInfo.InvariantCulture);

    public static object TextOrNull(DateTimeOffset? t) => t is { } v ? Text(v) : DBNull.Value;

    public static DateTimeOffset Parse(string s) => DateTimeOffset.Parse(s, CultureInfo.InvariantCulture, DateTimeStyles.AssumeUniversal | DateTimeStyles.AdjustToUniversal);

    public static DateTimeOffset? ParseOrNull(object value) => value is string s ? Parse(s) : null;
}
