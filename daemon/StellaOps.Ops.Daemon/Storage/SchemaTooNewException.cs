namespace StellaOps.Ops.Daemon.Storage;

public sealed class SchemaTooNewException(int found, int supported) : Exception(
    $"The state database has schema version {found}, but this stella-opsd understands versions up to {supported}. " +
    "It was written by a newer release: install that release (or newer) instead of downgrading, or restore the backup taken before the upgrade.")
{
    public int Found { get; } = found;
    public int Supported { get; } = supported;
}
