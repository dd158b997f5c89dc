using StellaOps.Ops.Contracts.Text;
using StreamJsonRpc;

namespace StellaOps.Ops.Contracts.Rpc;

public sealed record AttestationEvent
{
    public DateTimeOffset Timestamp { get; init; }
    /// <summary>created, signed, sign-failed, interrupted, resigned.</summary>
    public string Event { get; init; } = "";
    public string Detail { get; init; } = "";
    public string? KeyId { get; init; }
    public string Actor { get; init; } = "";
    /// <summary>For sign-failed and resign-failed: the error (code, message, what to do); <see cref="Detail"/> is its message.</summary>
    public OpsError? Error { get; init; }

    public override string ToString()
        => $"{DisplayText.Time(Timestamp)} {Event} by {Actor}{(string.IsNullOrEmpty(KeyId) ? "" : " key " + DisplayText.ShortKeyId(KeyId))} {(Error is null ? "" : Error.Code + ": ")}{Detail}".TrimEnd();
}
