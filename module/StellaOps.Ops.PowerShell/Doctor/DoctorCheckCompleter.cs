using System.Management.Automation;

namespace StellaOps.Ops.PowerShell.Doctor;

/// <summary>
/// Tab completion of doctor check ids: the ids the runbooks name, plus what the daemon lists when this session
/// already has a live connection (never connects just to complete, never waits more than a second).
/// </summary>
public sealed class DoctorCheckCompleter : DaemonArgumentCompleter<string>
{
    internal static readonly string[] KnownChecks =
    [
        "check.daemon.storage", "check.daemon.endpoint",
        "check.crypto.hsm-availability", "check.attestor.key-expiration",
        "check.attestor.signing-health", "check.attestor.verification-health",
    ];

    protected override IEnumerable<string> Known => KnownChecks;

    protected override async Task<string[]> FetchAsync(Contracts.Client.OpsClient client, CancellationToken cancellationToken)
        => [.. (await client.Doctor.ListAsync(cancellationToken).ConfigureAwait(false)).Select(c => c.Check)];

    protected override IEnumerable<CompletionResult> Complete(IReadOnlyList<string> ids, WildcardPattern typed)
        => ids.Distinct(StringComparer.OrdinalIgnoreCase).Order(StringComparer.OrdinalIgnoreCase)
            .Where(typed.IsMatch)
            .Select(id => new CompletionResult(id, id, CompletionResultType.ParameterValue, id));
}
