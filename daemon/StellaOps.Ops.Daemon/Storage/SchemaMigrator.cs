using Microsoft.Data.Sqlite;
using Microsoft.Extensions.Logging;

namespace StellaOps.Ops.Daemon.Storage;

/// <summary>
/// Brings the database to <see cref="SchemaMigrations.Latest"/>. Each migration runs in its own transaction
/// together with the bump of <c>PRAGMA user_version</c>, so a crash leaves either the old or the new schema.
/// A database newer than this binary is refused: running an old daemon on it could lose data.
/// </summary>
public static class SchemaMigrator
{
    public static int Migrate(SqliteConnection connection, ILogger logger)
    {
        var current = ReadVersion(connection);
        var latest = SchemaMigrations.Latest;
        if (current > latest)
            throw new SchemaTooNewException(current, latest);

        foreach (var migration in SchemaMigrations.All.Where(m => m.Version > current).OrderBy(m => m.Version))
        {
            using var tx = connection.BeginTransaction(deferred: false);
            using (var cmd = connection.CreateCommand())
            {
                cmd.Transaction = tx;
                cmd.CommandText = migration.Sql + $"\nPRAGMA user_version = {migration.Version};";
                cmd.ExecuteNonQuery();
            }
            using (var log = connection.CreateCommand())
            {
                log.Transaction = tx;
                log.CommandText = "INSERT INTO schema_migrations(version, name, applied_at, binary_version) VALUES ($v, $n, $t, $b);";
                log.Parameters.AddWithValue("$v", migration.Version);
                log.Parameters.AddWithValue("$n", migration.Name);
                log.Parameters.AddWithValue("$t", DateTimeOffset.UtcNow.ToString("O"));
                log.Parameters.AddWithValue("$b", typeof(SchemaMigrator).Assembly.GetName().Version?.ToString() ?? "");
                log.ExecuteNonQuery();
            }
            tx.Commit();
            logger.LogInformation("Applied schema migration {Version} ({Name})", migration.Version, migration.Name);
            current = migration.Version;
        }
        return current;
    }

    public static int ReadVersion(SqliteConnection connection)
    {
        using var cmd = connection.CreateCommand();
        cmd.CommandText = "PRAGMA user_version;";
        return Convert.ToInt32(cmd.ExecuteScalar(), System.Globalization.CultureInfo.InvariantCulture);
    }
}
