using System.Management.Automation;
using StellaOps.Ops.Contracts.Rpc;

namespace StellaOps.Ops.PowerShell.Attestor;

/// <summary>Tab completion of attestation ids: the newest attestations the daemon lists when this session already has a live connection.</summary>
public sealed class AttestationIdCompleter : DaemonArgumentCompleter<AttestationInfo>
{
    /// <summary>Completion must answer at once: only the newest attestations are offered.</summary>
    private const int Newest = 200;

    protected override Task<AttestationInfo[]> FetchAsync(Contracts.Client.OpsClient client, CancellationToken cancellationToken)
        => client.Attest.ListAsync(new AttestationQuery { Limit = Newest }, cancellationToken);

    protected override IEnumerable<CompletionResult> Complete(IReadOnlyList<AttestationInfo> attestations, WildcardPattern typed)
    {
        foreach (var a in attestations)
        {
            if (!typed.IsMatch(a.Id)) continue;
            var subject = StellaAttestationCmdlet.Subjects(a);
            var tip = $"{a.Type} {a.Status} for {subject}, created {a.CreatedAt.ToLocalTime():yyyy-MM-dd HH:mm}";
            yield return new CompletionResult(a.Id, $"{a.Id[..Math.Min(16, a.Id.Length)]} {a.Type} {a.Status}", CompletionResultType.ParameterValue, tip);
        }
    }
}
