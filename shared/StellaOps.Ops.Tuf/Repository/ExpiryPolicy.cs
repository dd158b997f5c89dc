namespace StellaOps.Ops.Tuf.Repository;

/// <summary>
/// How long each role's metadata is valid when signed (root a year, targets three months, snapshot a week,
/// timestamp a day, the usual split: the online roles expire soon so a stolen online key is worth little).
/// Delegated roles follow <see cref="Targets"/>. Nothing is written that expires later than its policy allows.
/// </summary>
public sealed class ExpiryPolicy
{
    public TimeSpan Root { get; set; } = TimeSpan.FromDays(365);

    public TimeSpan Targets { get; set; } = TimeSpan.FromDays(90);

    public TimeSpan Snapshot { get; set; } = TimeSpan.FromDays(7);

    public TimeSpan Timestamp { get; set; } = TimeSpan.FromDays(1);

    /// <summary>Clock difference between the signing machine and the checking one that is tolerated.</summary>
    public static TimeSpan Tolerance { get; } = TimeSpan.FromHours(1);

    public TimeSpan For(string role) => role switch
    {
        TufRoleNames.Root => Root,
        TufRoleNames.Snapshot => Snapshot,
        TufRoleNames.Timestamp => Timestamp,
        _ => Targets,
    };

    /// <summary>The expiry of a role signed at <paramref name="now"/>, to whole seconds (metadata carries no fractions).</summary>
    public DateTimeOffset ExpiresFrom(string role, DateTimeOffset now)
    {
        var e = now.ToUniversalTime() + For(role);
        return new DateTimeOffset(e.Year, e.Month, e.Day, e.Hour, e.Minute, e.Second, TimeSpan.Zero);
    }
}
