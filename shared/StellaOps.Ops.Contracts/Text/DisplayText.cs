using System.Globalization;

namespace StellaOps.Ops.Contracts.Text;

/// <summary>
/// The pieces the contract records' ToString forms share, so a key id, a time or an uptime reads the same in
/// every line. The records print themselves this way where they sit inside another object (Format-List *,
/// a string, a log line); the module's format views show them the same way.
/// </summary>
public static class DisplayText
{
    /// <summary>The first 16 hex digits of a key id: enough to tell keys apart in a line (key ids are SHA-256 hex).</summary>
    public static string ShortKeyId(string? id) => id is null ? "" : id.Length > 16 ? id[..16] : id;

    /// <summary>
    /// A name cut to <paramref name="width"/> characters by dropping its middle, not its end: generated names differ
    /// in their last characters (<c>signing-ecdsa-p256-20261201-214834</c>), so both ends stay visible.
    /// </summary>
    public static string Fit(string? text, int width)
    {
        text ??= "";
        if (text.Length <= width || width < 3) return text;
        var tail = (width - 1) / 2;
        return string.Concat(text.AsSpan(0, width - 1 - tail), "…", text.AsSpan(text.Length - tail));
    }

    /// <summary>A point in time as the views show it: local, to the second.</summary>
    public static string Time(DateTimeOffset at) => at.ToLocalTime().ToString("yyyy-MM-dd HH:mm:ss", CultureInfo.InvariantCulture);

    public static string Date(DateTimeOffset at) => at.ToLocalTime().ToString("yyyy-MM-dd", CultureInfo.InvariantCulture);

    /// <summary>An uptime in runbook form, to the second (<c>2h5m13s</c>).</summary>
    public static string Uptime(TimeSpan uptime) => new Duration(TimeSpan.FromSeconds(Math.Floor(uptime.TotalSeconds))).ToString();
}
