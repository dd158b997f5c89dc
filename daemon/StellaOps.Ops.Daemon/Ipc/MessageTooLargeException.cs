namespace StellaOps.Ops.Daemon.Ipc;

public sealed class MessageTooLargeException(uint announced, int limit)
    : IOException($"A client announced a {announced}-byte message; the limit is {limit} bytes. The connection was closed.")
{
    public uint Announced { get; } = announced;
}
