using System.Net;

namespace StellaOps.Ops.Transparency.Clients;

/// <summary>A log call failed; <see cref="Reason"/> says how, the message says what to do. Never carries a response body.</summary>
public sealed class TransparencyLogException(LogFailureReason reason, string message, HttpStatusCode? status = null, Exception? inner = null)
    : Exception(message, inner)
{
    public LogFailureReason Reason { get; } = reason;
    public HttpStatusCode? Status { get; } = status;
}
