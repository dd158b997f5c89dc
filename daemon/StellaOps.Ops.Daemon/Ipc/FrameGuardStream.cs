using System.Buffers.Binary;

namespace StellaOps.Ops.Daemon.Ipc;

/// <summary>
/// A read-side pass-through that follows the 4-byte big-endian length prefixes of the framing and fails the
/// connection the moment a frame announces more than the limit (or zero bytes): an oversized message is
/// refused before it is buffered, and garbage usually announces an absurd length.
/// </summary>
public sealed class FrameGuardStream(Stream inner, int maxFrameBytes) : Stream
{
    private readonly byte[] _header = new byte[4];
    private int _headerFilled;
    private long _bodyRemaining;

    public override bool CanRead => true;
    public override bool CanSeek => false;
    public override bool CanWrite => false;
    public override long Length => throw new NotSupportedException();
    public override long Position { get => throw new NotSupportedException(); set => throw new NotSupportedException(); }

    public override int Read(byte[] buffer, int offset, int count) => ReadAsync(buffer.AsMemory(offset, count)).AsTask().GetAwaiter().GetResult();

    public override async ValueTask<int> ReadAsync(Memory<byte> buffer, CancellationToken cancellationToken = default)
    {
        var n = await inner.ReadAsync(buffer, cancellationToken).ConfigureAwait(false);
        Inspect(buffer.Span[..n]);
        return n;
    }

    public override Task<int> ReadAsync(byte[] buffer, int offset, int count, CancellationToken cancellationToken)
        => ReadAsync(buffer.AsMemory(offset, count), cancellationToken).AsTask();

    private void Inspect(ReadOnlySpan<byte> data)
    {
        while (!data.IsEmpty)
        {
            if (_bodyRemaining > 0)
            {
                var take = (int)Math.Min(_bodyRemaining, data.Length);
                _bodyRemaining -= take;
                data = data[take..];
                continue;
            }
            var need = 4 - _headerFilled;
            var h = Math.Min(need, data.Length);
            data[..h].CopyTo(_header.AsSpan(_headerFilled));
            _headerFilled += h;
            data = data[h..];
            if (_headerFilled < 4) return;
            _headerFilled = 0;
            var length = BinaryPrimitives.ReadUInt32BigEndian(_header);
            if (length == 0 || length > maxFrameBytes)
                throw new MessageTooLargeException(length, maxFrameBytes);
            _bodyRemaining = length;
        }
    }

    public override void Flush() { }
    public override long Seek(long offset, SeekOrigin origin) => throw new NotSupportedException();
    public override void SetLength(long value) => throw new NotSupportedException();
    public override void Write(byte[] buffer, int offset, int count) => throw new NotSupportedException();
}

public sealed class MessageTooLargeException(uint announced, int limit)
    : IOException($"A client announced a {announced}-byte message; the limit is {limit} bytes. The connection was closed.")
{
    public uint Announced { get; } = announced;
}
