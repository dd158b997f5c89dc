namespace StellaOps.Ops.Daemon.Storage;

/// <summary>
/// The ordered schema history. Append only: a released migration is never edited, a change is a new entry.
/// Times are stored as ISO-8601 UTC text or Unix milliseconds (events, for range queries).
/// </summary>
public static class SchemaMigrations
{
    public static IReadOnlyList<SchemaMigration> All { get; } =
    [
        new(1, "initial", """
            CREATE TABLE schema_migrations (
                version INTEGER PRIMARY KEY,
                name TEXT NOT NULL,
                applied_at TEXT NOT NULL,
                binary_version TEXT NOT NULL
            );
            CREATE TABLE settings (
                name TEXT PRIMARY KEY,
                value TEXT NOT NULL,
                changed_by TEXT NOT NULL,
                changed_at TEXT NOT NULL
            );
            CREATE TABLE events (
                id INTEGER PRIMARY KEY AUTOINCREMENT,
                ts INTEGER NOT NULL,
                level INTEGER NOT NULL,
                component TEXT NOT NULL,
                category TEXT NOT NULL,
                message TEXT NOT NULL,
                exception TEXT,
                caller TEXT
            );
            CREATE INDEX events_ts ON events(ts);
            CREATE INDEX events_component_ts ON events(component, ts);
            """),
    ];

    public static int Latest => All[^1].Version;
}

public sealed record SchemaMigration(int Version, string Name, string Sql);
