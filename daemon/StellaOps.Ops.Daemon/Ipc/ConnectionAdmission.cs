using StellaOps.Ops.Contracts;
using StellaOps.Ops.Contracts.Unix;

namespace StellaOps.Ops.Daemon.Ipc;

/// <summary>
/// Decides for each accepted connection whether it is served, answered once with a refusal, or closed at once.
/// Served connections are capped in total, per user (root and the daemon's own user excepted), and for readers,
/// who leave the last <see cref="IpcOptions.ReservedOperatorConnections"/> to operators: readers and strangers
/// can fill their share, never lock an operator out. Refused connections (strangers, callers over a limit) never
/// take a served slot; they share a small pool of their own, and when that is full they are closed unanswered.
/// </summary>
public sealed class ConnectionAdmission
{
    private readonly Lock _gate = new();
    private readonly Dictionary<int, int> _perUser = [];
    private int _served;
    private int _refused;

    public int Served { get { lock (_gate) return _served; } }
    public int Refused { get { lock (_gate) return _refused; } }

    /// <param name="strangerRefusal">The refusal for a caller with no role (who they are, which groups would admit them).</param>
    public Admission Admit(CallerIdentity caller, IpcOptions options, Func<CallerIdentity, OpsException> strangerRefusal)
    {
        lock (_gate)
        {
            var (refusal, reason) = caller.Role == CallerRole.None ? (strangerRefusal(caller), "not in an operators or readers group") : OverLimit(caller, options);
            if (refusal is null)
            {
                _served++;
                _perUser[caller.UserId] = _perUser.GetValueOrDefault(caller.UserId) + 1;
                return new Admission(this, caller, AdmissionKind.Served, null, "");
            }
            if (_refused >= options.MaxRefusedConnections)
                return new Admission(this, caller, AdmissionKind.Dropped, refusal, reason);
            _refused++;
            return new Admission(this, caller, AdmissionKind.Refused, refusal, reason);
        }
    }

    private (OpsException?, string) OverLimit(CallerIdentity caller, IpcOptions o)
    {
        if (_served >= o.MaxConnections)
            return (Limit($"The daemon is serving its limit of {o.MaxConnections} connections (ipc.max_connections); this one was refused.", "ipc.max_connections",
                "Try again shortly; close idle StellaOps sessions, or ask an administrator to raise ipc.max_connections."), "connection limit reached");
        if (caller.Role < CallerRole.Operator && _served >= o.MaxConnections - Reserved(o))
            return (Limit($"The daemon is serving {_served} connections; the remaining {o.MaxConnections - _served} are kept for operators (Ipc:ReservedOperatorConnections).",
                "ipc.max_connections", "Try again shortly, or ask an administrator to raise ipc.max_connections."), "slots kept for operators");
        if (!IsExempt(caller) && _perUser.GetValueOrDefault(caller.UserId) >= o.MaxConnectionsPerUser)
            return (Limit($"User '{caller.UserName}' already has {o.MaxConnectionsPerUser} connections to the daemon, the most one user may have (ipc.max_connections_per_user).",
                caller.UserName, "Close other StellaOps sessions of this user (each pwsh session keeps one), or ask an administrator to raise ipc.max_connections_per_user."),
                "per-user connection limit reached");
        return (null, "");
    }

    /// <summary>The slots readers leave to operators: as configured, but never more than half of all.</summary>
    private static int Reserved(IpcOptions o) => Math.Min(o.ReservedOperatorConnections, o.MaxConnections / 2);

    /// <summary>Root and the daemon's own user administer the daemon: only the total limit applies to them.</summary>
    private static bool IsExempt(CallerIdentity caller)
        => !OperatingSystem.IsWindows() && (caller.UserId == 0 || caller.UserId == (int)UnixUsers.GetEffectiveUserId());

    private static OpsException Limit(string message, string target, string action) => new(OpsErrorCode.LimitExceeded, message, target, action);

    private void Release(CallerIdentity caller, AdmissionKind kind)
    {
        lock (_gate)
        {
            if (kind == AdmissionKind.Refused) { _refused--; return; }
            if (kind != AdmissionKind.Served) return;
            _served--;
            var left = _perUser.GetValueOrDefault(caller.UserId) - 1;
            if (left <= 0) _perUser.Remove(caller.UserId);
            else _perUser[caller.UserId] = left;
        }
    }

    /// <summary>The decision for one connection; disposing it gives its slot back (once).</summary>
    public sealed class Admission(ConnectionAdmission owner, CallerIdentity caller, AdmissionKind kind, OpsException? refusal, string reason) : IDisposable
    {
        private int _released;

        public AdmissionKind Kind { get; } = kind;
        /// <summary>What a refused connection is answered with.</summary>
        public OpsException? Refusal { get; } = refusal;
        /// <summary>Why it was not served, in a few words (the key of the rate-limited log line).</summary>
        public string Reason { get; } = reason;

        public void Dispose()
        {
            if (Interlocked.Exchange(ref _released, 1) == 0) owner.Release(caller, Kind);
        }
    }
}
