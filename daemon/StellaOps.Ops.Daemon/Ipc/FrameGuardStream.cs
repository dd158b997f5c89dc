using System.Buffers.Binary;
using StellaOps.Ops.Contracts;

namespace StellaOps.Ops.Daemon.Ipc;

/// <summary>
/// The connection's stream, seen by the daemon: it follows the 4-byte big-endian length prefixes of the framing
/// and fails the connection the moment a frame announces more than the limit (or zero bytes), so an oversized
/// message is refused before it is buffered and garbage usually announces an absurd length. It also keeps the
/// time the daemon has spent waiting on this client (for the rest of a frame, for a first request, for the client
/// to read an answer, or idle), for <see cref="Stalled"/>. Only time spent waiting on the client counts: a daemon
/// busy with a slow request does not make its client look slow.
/// </summary>
public sealed class FrameGuardStream(Stream inner, int maxFrameBytes) : Stream
{
    private readonly byte[] _header = new byte[4];
    private readonly long _connectedAt = Now;
    private int _headerFilled;
    private long _bodyRemaining;
    private volatile bool _inFrame;

    // Milliseconds (Environment.TickCount64); written by the connection's reads and writes, read by the server's watchdog.
    private long _readingSince;
    private long _writingSince;
    private long _frameWaited;
    private long _lastActivity = Now;
    private long _framesCompleted;

    public override bool CanRead => true;
    public override bool CanSeek => false;
    public override bool CanWrite => true;
    public override long Length => throw new NotSupportedException();
    public override long Position { get => throw new NotSupportedException(); set => throw new NotSupportedException(); }

    private static long Now => Environment.TickCount64;

    public override int Read(byte[] buffer, int offset, int count) => ReadAsync(buffer.AsMemory(offset, count)).AsTask().GetAwaiter().GetResult();

    public override async ValueTask<int> ReadAsync(Memory<byte> buffer, CancellationToken cancellationToken = default)
    {
        var started = Now;
        var waitingForRest = _inFrame;
        Volatile.Write(ref _readingSince, started);
        int n;
        try
        {
            n = await inner.ReadAsync(buffer, cancellationToken).ConfigureAwait(false);
        }
        finally
        {
            Volatile.Write(ref _readingSince, 0);
        }
        if (waitingForRest) Volatile.Write(ref _frameWaited, _frameWaited + (Now - started));
        Inspect(buffer.Span[..n]);
        return n;
    }

    public override Task<int> ReadAsync(byte[] buffer, int offset, int count, CancellationToken cancellationToken)
        => ReadAsync(buffer.AsMemory(offset, count), cancellationToken).AsTask();

    public override async ValueTask WriteAsync(ReadOnlyMemory<byte> buffer, CancellationToken cancellationToken = default)
    {
        Volatile.Write(ref _writingSince, Now);
        try
        {
            await inner.WriteAsync(buffer, cancellationToken).ConfigureAwait(false);
        }
        finally
        {
            Volatile.Write(ref _writingSince, 0);
            Volatile.Write(ref _lastActivity, Now);
        }
    }

    public override Task WriteAsync(byte[] buffer, int offset, int count, CancellationToken cancellationToken)
        => WriteAsync(buffer.AsMemory(offset, count), cancellationToken).AsTask();

    public override void Write(byte[] buffer, int offset, int count) => WriteAsync(buffer.AsMemory(offset, count)).AsTask().GetAwaiter().GetResult();

    public override Task FlushAsync(CancellationToken cancellationToken) => inner.FlushAsync(cancellationToken);

    public override void Flush() => inner.Flush();

    /// <summary>
    /// Why the connection should be closed now, or null. <paramref name="busy"/>: the client has a request in flight,
    /// so it is waiting on the daemon, not idle.
    /// </summary>
    public string? Stalled(Duration firstRequest, Duration frame, Duration idle, bool busy)
    {
        var now = Now;
        var writing = Volatile.Read(ref _writingSince);
        if (writing != 0 && now - writing > Ms(frame))
            return $"it did not read its answer for {frame}";
        var reading = Volatile.Read(ref _readingSince);
        if (reading == 0) return null; // the daemon is not waiting for this client
        if (_inFrame)
            return Volatile.Read(ref _frameWaited) + (now - reading) > Ms(frame) ? $"it sent part of a message and not the rest within {frame}" : null;
        if (Volatile.Read(ref _framesCompleted) == 0)
            return now - _connectedAt > Ms(firstRequest) ? $"it sent no request within {firstRequest} of connecting" : null;
        return !busy && now - Volatile.Read(ref _lastActivity) > Ms(idle) ? $"it was idle for {idle}" : null;
    }

    private static long Ms(Duration d) => (long)d.Value.TotalMilliseconds;

    private void Inspect(ReadOnlySpan<byte> data)
    {
        while (!data.IsEmpty)
        {
            if (_bodyRemaining > 0)
            {
                var take = (int)Math.Min(_bodyRemaining, data.Length);
                _bodyRemaining -= take;
                data = data[take..];
                if (_bodyRemaining == 0) FrameCompleted();
                continue;
            }
            _inFrame = true;
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

    private void FrameCompleted()
    {
        _inFrame = false;
        Volatile.Write(ref _frameWaited, 0);
        Volatile.Write(ref _lastActivity, Now);
        Interlocked.Increment(ref _framesCompleted);
    }

    public override long Seek(long offset, SeekOrigin origin) => throw new NotSupportedException();
    public override void SetLength(long value) => throw new NotSupportedException();
}
