using System.Management.Automation;
using System.Text.RegularExpressions;
using StellaOps.Ops.Contracts;

namespace StellaOps.Ops.PowerShell.Hsm;

/// <summary>
/// The HSM test and login RPCs answer a failed check as a result object (so every member's outcome is reported),
/// with the daemon's machine-readable "[Code] message Next step: action" text. This turns such a message into the
/// same <see cref="OpsException"/> a failed RPC would have raised, so the error id and category are the usual ones.
/// </summary>
public static partial class HsmFailure
{
    public static OpsException ToException(string hsm, string message)
    {
        var code = OpsErrorCode.HsmUnavailable;
        foreach (Match m in CodeTag().Matches(message))
        {
            if (Enum.TryParse<OpsErrorCode>(m.Groups["code"].Value, out var parsed) && Enum.IsDefined(parsed)) { code = parsed; break; }
        }
        string? action = null;
        // The code is the error id now; the text keeps the rest.
        var text = CodeTag().Replace(message, "", 1).Replace("  ", " ", StringComparison.Ordinal).Trim();
        var next = text.IndexOf(NextStep, StringComparison.Ordinal);
        if (next >= 0)
        {
            action = text[(next + NextStep.Length)..].Trim();
            text = text[..next].TrimEnd();
        }
        if (!text.Contains($"'{hsm}'", StringComparison.Ordinal)) text = $"HSM '{hsm}': {text}";
        return new OpsException(code, text, hsm, action);
    }

    private const string NextStep = "Next step:";

    [GeneratedRegex(@"\[(?<code>[A-Za-z]+)\]")]
    private static partial Regex CodeTag();
}

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
