using StellaOps.Ops.Contracts;

namespace StellaOps.Ops.Daemon.Ipc;

/// <summary>
/// A request holds a batch over <see cref="Protocol.MaxBatchItems"/>. Not a JsonException, so the serializer passes
/// it on unchanged and the daemon can tell it from a malformed argument (<see cref="OpsServerRpc"/>).
/// </summary>
public sealed class BatchLimitExceededException(int max, Type item)
    : Exception($"A batch in this request holds more than {max} items ({item.Name}); the daemon takes at most {max} per request.")
{
    public int Max { get; } = max;
}
