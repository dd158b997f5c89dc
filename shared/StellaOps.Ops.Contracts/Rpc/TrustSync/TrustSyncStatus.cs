namespace StellaOps.Ops.Contracts.Rpc;

/// <summary>What <c>stella trust status</c> shows.</summary>
public sealed record TrustSyncStatus
{
    /// <summary>"tuf", "file" (Trust:TrustedRootFile) or "not configured".</summary>
    public string Source { get; init; } = "";
    public bool Configured { get; init; }
    public string? RepositoryUrl { get; init; }
    public string? TargetsUrl { get; init; }
    public TrustRoleStatus[] Roles { get; init; } = [];
    public DateTimeOffset? LastRefresh { get; init; }

    /// <summary>Seconds since the last good refresh (the metadata's age).</summary>
    public double? AgeSeconds { get; init; }
    public DateTimeOffset? LastAttempt { get; init; }

    /// <summary>success, unavailable (repository unreachable), stale, invalid (the repository served what a client must refuse), write-failed (this machine's cache could not be written), or empty before any attempt.</summary>
    public string LastOutcome { get; init; } = "";
    public string? LastError { get; init; }

    /// <summary>Expired metadata is being served under --allow-stale.</summary>
    public bool Stale { get; init; }

    /// <summary>The material in effect; false when none is (never synced, or expired and not allowed stale).</summary>
    public bool Serving { get; init; }
    public string Origin { get; init; } = "";
    public string[] Warnings { get; init; } = [];
    public TrustEndpoint[] Endpoints { get; init; } = [];
    public TrustLogKey[] LogKeys { get; init; } = [];
    public TrustBackendStatus[] Backends { get; init; } = [];
    public TrustCircuitStatus[] Circuits { get; init; } = [];
}
