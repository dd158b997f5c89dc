using Microsoft.Extensions.Logging;
using StellaOps.Ops.Contracts;
using StellaOps.Ops.Contracts.Rpc;

namespace StellaOps.Ops.Daemon.Observability;

/// <summary>
/// Records every mutating call with the caller's identity. Written synchronously to the database before the
/// call's answer leaves the daemon, so an acknowledged change always has its audit record.
/// </summary>
public sealed class AuditLog(EventStore events, ILogger<AuditLog> logger)
{
    public void Record(CallerIdentity? caller, string action, string? detail, bool succeeded, string? error = null)
    {
        var who = caller?.ToString() ?? "daemon";
        var message = succeeded
            ? $"{action} by {who} succeeded{(string.IsNullOrEmpty(detail) ? "" : ": " + detail)}"
            : $"{action} by {who} failed{(string.IsNullOrEmpty(detail) ? "" : ": " + detail)}: {error}";
        events.Append([new LogEvent
        {
            Timestamp = DateTimeOffset.UtcNow,
            Level = succeeded ? Contracts.Rpc.LogLevel.Information : Contracts.Rpc.LogLevel.Warning,
            Component = Components.Audit,
            Category = action,
            Message = message,
            Caller = who,
        }]);
        // Also to the journal, for central log collection.
        logger.LogInformation("AUDIT {Message}", message);
    }
}
