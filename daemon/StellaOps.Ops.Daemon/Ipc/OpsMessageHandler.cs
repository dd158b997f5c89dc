using System.Buffers;
using System.Buffers.Binary;
using System.Collections.Concurrent;
using Nerdbank.Streams;
using StellaOps.Ops.Contracts;
using StreamJsonRpc;
using StreamJsonRpc.Protocol;
using StreamJsonRpc.Reflection;

namespace StellaOps.Ops.Daemon.Ipc;

/// <summary>
/// The length-prefixed framing of one connection with two additions. It remembers which method each request
/// called until it is answered, so an error the JSON-RPC layer makes up itself (arguments it cannot read) can
/// name the method. And it caps answers: an answer is serialised into a buffer that stops at the limit, and an
/// answer over it is replaced by a LimitExceeded error before a byte of it is sent, so a small request cannot buy
/// an unbounded answer or hold that much memory.
/// </summary>
public sealed class OpsMessageHandler(Stream stream, IJsonRpcMessageFormatter formatter, int maxAnswerBytes)
    : LengthHeaderMessageHandler(stream, stream, formatter)
{
    /// <summary>Requests remembered at most: a client that pipelines more without reading answers gets unnamed errors, not more memory.</summary>
    private const int MaxRemembered = 10_000;

    private readonly ConcurrentDictionary<RequestId, string> _methods = new();
    private readonly CappedBuffer _buffer = new(maxAnswerBytes);

    /// <summary>The method an unanswered request called, or null when unknown.</summary>
    public string? MethodOf(RequestId id) => _methods.TryGetValue(id, out var method) ? method : null;

    protected override async ValueTask<JsonRpcMessage?> ReadCoreAsync(CancellationToken cancellationToken)
    {
        var message = await base.ReadCoreAsync(cancellationToken).ConfigureAwait(false);
        if (message is JsonRpcRequest { IsResponseExpected: true, Method: { } method } request && _methods.Count < MaxRemembered)
            _methods[request.RequestId] = method;
        return message;
    }

    protected override void Write(JsonRpcMessage content, CancellationToken cancellationToken)
    {
        string? method = null;
        if (content is IJsonRpcMessageWithId { RequestId: var id } && content is JsonRpcResult or JsonRpcError) _methods.TryRemove(id, out method);
        try
        {
            try
            {
                Formatter.Serialize(_buffer, content);
            }
            catch (Exception) when (_buffer.Exceeded && content is JsonRpcResult result)
            {
                _buffer.Reset();
                content = TooLarge(result, method ?? "the request");
                Formatter.Serialize(_buffer, content);
            }
            var body = _buffer.AsReadOnlySequence;
            if (Formatter is IJsonRpcFormatterTracingCallbacks tracer) tracer.OnSerializationComplete(content, body);
            BinaryPrimitives.WriteInt32BigEndian(Writer!.GetSpan(sizeof(int)), checked((int)body.Length));
            Writer.Advance(sizeof(int));
            foreach (var segment in body) Writer.Write(segment.Span);
        }
        finally
        {
            _buffer.Reset();
        }
    }

    private JsonRpcError TooLarge(JsonRpcResult result, string method) => new()
    {
        RequestId = result.RequestId,
        Version = result.Version,
        Error = new JsonRpcError.ErrorDetail
        {
            Code = (JsonRpcErrorCode)(int)OpsErrorCode.LimitExceeded,
            Message = $"The answer to {method} would be larger than the daemon's limit of {maxAnswerBytes} bytes (Ipc:MaxAnswerBytes), so it was not sent.",
            Data = new OpsErrorData
            {
                Code = nameof(OpsErrorCode.LimitExceeded),
                Target = method,
                RecommendedAction = "Ask for less in one call: split the batch, or narrow the query (-Last, -Since, -Filter, -Max).",
            },
        },
    };

    protected override void Dispose(bool disposing)
    {
        if (disposing) _buffer.Dispose();
        base.Dispose(disposing);
    }

    /// <summary>A pooled buffer that refuses to grow past the limit (the serializer stops there).</summary>
    private sealed class CappedBuffer(int limit) : IBufferWriter<byte>, IDisposable
    {
        private readonly Sequence<byte> _sequence = new(ArrayPool<byte>.Shared);

        public bool Exceeded { get; private set; }
        public ReadOnlySequence<byte> AsReadOnlySequence => _sequence.AsReadOnlySequence;

        public void Advance(int count)
        {
            if (_sequence.Length + count > limit)
            {
                Exceeded = true;
                throw new InvalidOperationException($"The answer is over the {limit}-byte limit.");
            }
            _sequence.Advance(count);
        }

        public Memory<byte> GetMemory(int sizeHint = 0) => _sequence.GetMemory(sizeHint);
        public Span<byte> GetSpan(int sizeHint = 0) => _sequence.GetSpan(sizeHint);

        public void Reset()
        {
            Exceeded = false;
            _sequence.Reset();
        }

        public void Dispose() => _sequence.Dispose();
    }
}
