namespace StellaOps.Ops.Contracts.Rpc;

/// <summary>
/// One logged entry of a search, saying which key matched (signing-key or log-key; none without a key id) and whether
/// it came from the daemon's own record or was found in the log itself (<see cref="FromLog"/>: an entry this daemon
/// did not write, with no attestation id and, unless its key is one of the daemon's, the SHA-256 of its key as the
/// signing key id).
/// </summary>
public sealed record TlogSearchHit
{
    public string AttestationId { get; init; } = "";
    public string Backend { get; init; } = "";
    public int ApiVersion { get; init; }
    public long LogIndex { get; init; }
    public string? Uuid { get; init; }
    /// <summary>The log id (hex): SHA-256 of the log key.</summary>
    public string LogKeyId { get; init; } = "";
    public string SigningKeyId { get; init; } = "";
    public DateTimeOffset LoggedAt { get; init; }
    public DateTimeOffset? IntegratedTime { get; init; }
    public string? MatchedBy { get; init; }
    public AttestationSubject[] Subjects { get; init; } = [];
    /// <summary>Found by reading the log (Search-StellaRekor -Log), not in the daemon's record: this daemon did not write it.</summary>
    public bool FromLog { get; init; }
}
