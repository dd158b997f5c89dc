using Microsoft.Data.Sqlite;
using Microsoft.Extensions.Logging;
using StellaOps.Ops.Daemon.Hosting;

namespace StellaOps.Ops.Daemon.Storage;

/// <summary>
/// The daemon's one embedded database. Every connection runs in WAL mode with <c>synchronous=FULL</c>, so a
/// committed transaction survives a crash or power loss; migrations run once at start.
/// </summary>
public sealed class StateStore : IDisposable
{
    /// <summary>How long a writer waits for the database (busy_timeout and the in-process write gate alike).</summary>
    private static readonly TimeSpan BusyTimeout = TimeSpan.FromSeconds(30);

    private static readonly string Pragmas = $"PRAGMA synchronous=FULL; PRAGMA foreign_keys=ON; PRAGMA busy_timeout={(int)BusyTimeout.TotalMilliseconds};";

    private readonly string _connectionString;
    private readonly ILogger<StateStore> _logger;
    // This process's write transactions take turns here rather than in SQLite's busy handler, which sleeps (1, 2, 5 …
    // ms) when BEGIN IMMEDIATE meets another writer: two batches of one client (recording one, completing another)
    // collide all the time, and each collision cost a sleep. Reentrant (a write nested on one thread goes on to SQLite
    // as before), and bounded: after the busy timeout a writer goes on to SQLite, which decides as it always did.
    private readonly Lock _writeGate = new();
    // The one connection the gate's holder writes on, kept open. A pooled connection loses its page cache whenever
    // another connection wrote since it last read (SQLite cannot know what changed), so writers that took turns on
    // pooled connections re-read every index page they touched in each transaction; the writer's own cache stays
    // valid, as no other connection of this process writes while the gate is held. Only touched by the holder of the
    // gate, and not while that holder's transaction runs (a nested write opens a connection of its own).
    private SqliteConnection? _writer;
    private bool _writerBusy;
    private bool _initialized;
    // Folds the WAL back off the gate (see WalCheckpointer); started once the database is migrated.
    private WalCheckpointer? _checkpointer;

    public StateStore(DaemonPaths paths, ILogger<StateStore> logger)
        : this(paths.DatabasePath, logger)
    {
    }

    public StateStore(string databasePath, ILogger<StateStore> logger)
    {
        _logger = logger;
        DatabasePath = databasePath;
        _connectionString = new SqliteConnectionStringBuilder
        {
            DataSource = databasePath,
            Mode = SqliteOpenMode.ReadWriteCreate,
            Cache = SqliteCacheMode.Private,
            Pooling = true,
            DefaultTimeout = (int)BusyTimeout.TotalSeconds,
        }.ToString();
    }

    public string DatabasePath { get; }

    /// <summary>Whether the WAL checkpoint thread runs (from <see cref="Initialize"/> until <see cref="Checkpoint"/>).</summary>
    internal bool CheckpointerRunning => _checkpointer?.IsRunning ?? false;

    /// <summary>The schema version after <see cref="Initialize"/>.</summary>
    public int SchemaVersion { get; private set; }

    /// <summary>Creates the directory with owner-only permissions, opens the database and migrates it.</summary>
    public void Initialize()
    {
        var dir = Path.GetDirectoryName(DatabasePath)!;
        if (!Directory.Exists(dir))
        {
            if (OperatingSystem.IsWindows()) Directory.CreateDirectory(dir);
            else Directory.CreateDirectory(dir, UnixFileMode.UserRead | UnixFileMode.UserWrite | UnixFileMode.UserExecute);
        }

        try
        {
            Migrate();
        }
        catch (SqliteException ex) when (StorageSpace.IsDiskFull(ex))
        {
            throw StorageSpace.Full(dir, "the database cannot be opened and brought up to date there, so stella-opsd does not start.");
        }
    }

    private void Migrate()
    {
        using var connection = Open();
        using (var wal = connection.CreateCommand())
        {
            // WAL is a property of the database file: set once, it persists.
            wal.CommandText = "PRAGMA journal_mode=WAL;";
            var mode = wal.ExecuteScalar() as string;
            if (!string.Equals(mode, "wal", StringComparison.OrdinalIgnoreCase))
                throw new InvalidOperationException($"The database {DatabasePath} could not switch to WAL mode (it reports '{mode}').");
        }

        SchemaVersion = SchemaMigrator.Migrate(connection, _logger);
        _initialized = true;
        _checkpointer = new WalCheckpointer(DatabasePath, Open, _logger);
        if (!OperatingSystem.IsWindows())
        {
            // The database holds audit records and (encrypted) key material: owner only.
            foreach (var f in new[] { DatabasePath, DatabasePath + "-wal", DatabasePath + "-shm" })
                if (File.Exists(f)) File.SetUnixFileMode(f, UnixFileMode.UserRead | UnixFileMode.UserWrite);
        }
    }

    /// <summary>An open connection with the durability pragmas applied. Dispose it promptly: it returns to the pool.</summary>
    public SqliteConnection Open()
    {
        var connection = new SqliteConnection(_connectionString);
        connection.Open();
        using var pragmas = connection.CreateCommand();
        pragmas.CommandText = Pragmas;
        pragmas.ExecuteNonQuery();
        return connection;
    }

    /// <summary>
    /// The kept writer connection, with a page cache large enough for the index pages a batch of writes touches: an
    /// index on random keys (subject digests) puts each row of a batch on a different page, and with SQLite's default
    /// 2 MiB cache those pages were read back from the file in every transaction. Its own automatic checkpoint is only
    /// the backstop, at a WAL eight times SQLite's default: the <see cref="WalCheckpointer"/> folds the WAL back.
    /// </summary>
    private SqliteConnection OpenWriter()
    {
        var connection = Open();
        using var pragmas = connection.CreateCommand();
        pragmas.CommandText = $"PRAGMA cache_size=-{WriterCacheKiB}; PRAGMA wal_autocheckpoint={WriterCheckpointBackstopPages};";
        pragmas.ExecuteNonQuery();
        return connection;
    }

    private const int WriterCacheKiB = 32 * 1024;
    private const int WriterCheckpointBackstopPages = 8 * 1000;

    /// <summary>
    /// Runs <paramref name="work"/> in one immediate transaction and commits it, together with what the current
    /// <see cref="TransactionParticipant"/> adds (the audit record of the RPC being served). The event log's own
    /// writes pass <paramref name="joinParticipant"/> false: they are the records, not changes to record.
    /// A full disk is <see cref="Contracts.OpsErrorCode.StorageFull"/>.
    /// </summary>
    public T InTransaction<T>(Func<SqliteConnection, SqliteTransaction, T> work, bool joinParticipant = true)
    {
        var participant = joinParticipant ? TransactionParticipant.Current : null;
        var gated = _writeGate.TryEnter(BusyTimeout);
        // The kept writer connection only for the gate's holder, and not for a write nested in its own transaction.
        var onWriter = gated && !_writerBusy;
        SqliteConnection? connection = null;
        var failed = true;
        try
        {
            if (onWriter) _writerBusy = true;
            connection = onWriter ? _writer ??= OpenWriter() : Open();
            T result;
            using (var tx = connection.BeginTransaction(deferred: false))
            {
                result = work(connection, tx);
                participant?.BeforeCommit(connection, tx);
                tx.Commit();
            }
            failed = false;
            _checkpointer?.Nudge();
            participant?.AfterCommit();
            return result;
        }
        catch (SqliteException ex) when (StorageSpace.IsDiskFull(ex))
        {
            throw StorageSpace.Full(Path.GetDirectoryName(DatabasePath)!, "the daemon cannot record anything until there is room; this change was rolled back.");
        }
        finally
        {
            if (onWriter)
            {
                // After a failure the writer starts afresh: whatever state the error left it in is not carried on.
                if (failed && _writer is not null) { _writer.Dispose(); _writer = null; }
                _writerBusy = false;
            }
            else connection?.Dispose();
            if (gated) _writeGate.Exit();
        }
    }

    // Closes the kept writer connection (at shutdown, before the WAL is folded back).
    private void CloseWriter()
    {
        lock (_writeGate)
        {
            if (_writerBusy) return; // asked from inside a transaction on the writer: it is closed when that one ends
            _writer?.Dispose();
            _writer = null;
        }
    }

    /// <summary>Folds the WAL back into the database and closes pooled connections: the clean-shutdown step.</summary>
    public void Checkpoint()
    {
        // Never opened (the start was refused): nothing to fold back, and no database to create where it was refused.
        if (!_initialized) return;
        _checkpointer?.Dispose();
        CloseWriter();
        try
        {
            using var connection = Open();
            using var cmd = connection.CreateCommand();
            cmd.CommandText = "PRAGMA wal_checkpoint(TRUNCATE);";
            cmd.ExecuteNonQuery();
        }
        catch (SqliteException ex)
        {
            _logger.LogWarning(ex, "WAL checkpoint at shutdown failed; the WAL is replayed at next start");
        }
    }

    public void Dispose()
    {
        Checkpoint();
        SqliteConnection.ClearAllPools();
    }
}
