using System.Text.Json;
using StellaOps.Ops.Daemon.Observability;
using StellaOps.Ops.Hsm;

namespace StellaOps.Ops.Daemon.Hsm;

/// <summary>
/// What a PIN change is about to change, kept in its audit intent (<see cref="AuditIntent"/>): the token's user PIN and
/// the PIN file, which cannot join a database transaction, so the audit's "started" is committed before either changes.
/// A stop between the change and its outcome is settled at start from the PIN file (never from the PIN, which is not
/// read for this): a staged <c>.new</c> left behind means the token may have either PIN (unknown); a PIN file replaced
/// after the change started means it went through; otherwise nothing changed.
/// </summary>
public sealed record HsmPinChangeIntent(string Member, string PinFile)
{
    /// <summary>The audit intents' subject of PIN changes.</summary>
    public const string Subject = "hsm-pin";

    public string ToJson() => JsonSerializer.Serialize(this);

    /// <summary>Null when the intent is not one of these (written by another version, or damaged).</summary>
    public static HsmPinChangeIntent? FromJson(string json)
    {
        try
        {
            return JsonSerializer.Deserialize<HsmPinChangeIntent>(json) is { Member.Length: > 0, PinFile.Length: > 0 } intent ? intent : null;
        }
        catch (JsonException)
        {
            return null;
        }
    }

    /// <summary>At start, before the HSM connects: completes every PIN change a stop interrupted.</summary>
    public static void SettleInterrupted(AuditLog audit)
        => audit.SettleInterrupted(Subject, "HSM PIN change", "what the PIN file shows", open =>
        {
            if (FromJson(open.Intent) is not { } planned)
                return (null, "the intent is not readable; find out which PIN the token has (log in with each, e.g. pkcs11-tool --login --test)");
            if (HsmPinFileChange.Leftover(planned.PinFile) is { } leftover)
                return (null, $"'{HsmPinFileChange.StagedPathOf(planned.PinFile)}' is left ({leftover}): the token of '{planned.Member}' may have the new PIN or still the one in {planned.PinFile}; find out which (log in with each), then move the .new file over the PIN file or remove it");
            if (File.Exists(planned.PinFile) && File.GetLastWriteTimeUtc(planned.PinFile) >= open.StartedAt.UtcDateTime)
                return (true, $"{planned.PinFile} was replaced after the change started: the token of '{planned.Member}' and the file have the new PIN");
            return (false, $"{planned.PinFile} is as it was and no new PIN is staged: the token of '{planned.Member}' keeps the current PIN");
        });
}
