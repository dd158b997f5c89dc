namespace StellaOps.Ops.Daemon.Storage;

public sealed record SchemaMigration(int Version, string Name, string Sql);
