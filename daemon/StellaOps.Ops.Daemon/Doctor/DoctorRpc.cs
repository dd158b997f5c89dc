using System.Diagnostics;
using Microsoft.Extensions.Logging;
using StellaOps.Ops.Contracts;
using StellaOps.Ops.Contracts.Rpc;
using StellaOps.Ops.Contracts.Text;

namespace StellaOps.Ops.Daemon.Doctor;

public sealed class DoctorRpc(IEnumerable<IHealthCheck> checks, ILogger<DoctorRpc> logger) : IDoctorRpc
{
    private readonly IHealthCheck[] _checks = [.. checks.OrderBy(c => c.Id, StringComparer.Ordinal)];

    /// <summary>
    /// Check ids the runbooks and the README name that this release does not have yet, with what they will look at.
    /// Asked for by name they answer NotImplemented, like the runbook lines of later releases, instead of NotFound
    /// with a "did you mean" to a different check. A check registered under one of these ids wins over the entry.
    /// </summary>
    private static readonly IReadOnlyDictionary<string, string> PlannedChecks = new Dictionary<string, string>(StringComparer.OrdinalIgnoreCase)
    {
        ["check.transparency.submission-health"] = "the Rekor submission failure rate (runbook 004: warning over 5%, critical over 20%)",
        ["check.transparency.circuit-breaker"] = "how often the transparency-log circuit breaker opens (runbook 004: warning over 2/hour, critical over 5/hour)",
    };

    public Task<DoctorCheckInfo[]> ListAsync(CancellationToken cancellationToken)
        => Task.FromResult(_checks.Select(c => new DoctorCheckInfo { Check = c.Id, Description = c.Description }).ToArray());

    public async Task<DoctorResult[]> RunAsync(string[]? names, IProgress<OperationProgress>? progress, CancellationToken cancellationToken)
    {
        var selected = Select(names);
        var results = new List<DoctorResult>(selected.Count);
        for (var i = 0; i < selected.Count; i++)
        {
            var check = selected[i];
            progress?.Report(new OperationProgress { Activity = "Running doctor checks", Status = check.Id, PercentComplete = 100 * i / selected.Count });
            var sw = Stopwatch.StartNew();
            DoctorResult result;
            try
            {
                result = await check.RunAsync(cancellationToken).ConfigureAwait(false);
            }
            catch (OperationCanceledException) when (cancellationToken.IsCancellationRequested)
            {
                throw;
            }
            catch (Exception ex)
            {
                result = new DoctorResult { Check = check.Id, Status = DoctorStatus.Fail, Message = $"The check itself failed: {ex.Message}" };
            }
            result = result with { Check = check.Id, Duration = sw.Elapsed };
            if (result.Status != DoctorStatus.Pass)
                logger.LogWarning("Doctor {Check}: {Status}: {Message}", result.Check, result.Status, result.Message);
            results.Add(result);
        }
        progress?.Report(new OperationProgress { Activity = "Running doctor checks", Status = "done", PercentComplete = 100 });
        // Every run in the event log, passes too: a scheduled check's history is there (Get-StellaLog -Component Doctor).
        logger.LogInformation("Doctor run: {Passed} passed, {Warned} warned, {Failed} failed ({Checks})",
            results.Count(r => r.Status == DoctorStatus.Pass), results.Count(r => r.Status == DoctorStatus.Warn),
            results.Count(r => r.Status == DoctorStatus.Fail), string.Join(", ", results.Select(r => $"{r.Check} {r.Status}")));
        return [.. results];
    }

    private List<IHealthCheck> Select(string[]? names)
    {
        if (names is null || names.Length == 0) return [.. _checks];
        var selected = new List<IHealthCheck>();
        foreach (var name in names)
        {
            var matcher = new WildcardMatcher(name);
            var hits = _checks.Where(c => matcher.IsMatch(c.Id)).ToList();
            if (hits.Count == 0 && !matcher.HasWildcards && PlannedChecks.TryGetValue(name, out var planned))
            {
                throw new OpsException(OpsErrorCode.NotImplemented,
                    $"The doctor check '{name}' is not implemented yet in this release. It will check {planned}.",
                    name, "Run 'Get-StellaDoctorCheck' to list the checks this daemon has.");
            }
            if (hits.Count == 0 && !matcher.HasWildcards)
            {
                var closest = Fuzzy.Closest(name, _checks.Select(c => c.Id));
                throw new OpsException(OpsErrorCode.NotFound,
                    $"There is no doctor check named '{name}'." + (closest is null ? "" : $" Did you mean '{closest}'?"),
                    name, "Run 'Get-StellaDoctorCheck' to list the checks this daemon has.");
            }
            selected.AddRange(hits.Where(h => !selected.Contains(h)));
        }
        return selected;
    }
}
