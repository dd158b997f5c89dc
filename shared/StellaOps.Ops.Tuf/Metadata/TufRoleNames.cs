namespace StellaOps.Ops.Tuf;

/// <summary>The names of the four top-level roles.</summary>
public static class TufRoleNames
{
    public const string Root = "root";
    public const string Timestamp = "timestamp";
    public const string Snapshot = "snapshot";
    public const string Targets = "targets";

    public static IReadOnlyList<string> TopLevel { get; } = [Root, Timestamp, Snapshot, Targets];
}
