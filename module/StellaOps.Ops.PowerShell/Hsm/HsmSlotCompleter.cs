using System.Management.Automation;

namespace StellaOps.Ops.PowerShell.Hsm;

/// <summary>Tab completion for -Slot: the configured HSMs' names and the slots holding their tokens (this session's live connection only).</summary>
public sealed class HsmSlotCompleter : DaemonArgumentCompleter<Contracts.Rpc.HsmSlot>
{
    protected override Task<Contracts.Rpc.HsmSlot[]> FetchAsync(Contracts.Client.OpsClient client, CancellationToken cancellationToken)
        => client.Hsm.GetSlotsAsync(cancellationToken);

    protected override IEnumerable<CompletionResult> Complete(IReadOnlyList<Contracts.Rpc.HsmSlot> slots, WildcardPattern typed)
    {
        var seen = new HashSet<string>(StringComparer.OrdinalIgnoreCase);
        foreach (var s in slots.Where(s => s.InUse))
        {
            var tip = $"{s.Hsm}: slot {s.SlotId}, token '{s.TokenLabel}' (serial {s.TokenSerial})";
            foreach (var candidate in new[] { s.Hsm, s.SlotId.ToString(System.Globalization.CultureInfo.InvariantCulture) })
            {
                if (typed.IsMatch(candidate) && seen.Add(candidate))
                    yield return new CompletionResult(candidate, candidate, CompletionResultType.ParameterValue, tip);
            }
        }
    }
}
