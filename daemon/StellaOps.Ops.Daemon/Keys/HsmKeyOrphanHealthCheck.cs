using System.Globalization;
using StellaOps.Ops.Contracts;
using StellaOps.Ops.Contracts.Rpc;
using StellaOps.Ops.Daemon.Doctor;
using StellaOps.Ops.Daemon.Hsm;

namespace StellaOps.Ops.Daemon.Keys;

/// <summary>
/// check.keys.hsm-records: every key pair this daemon made on the HSM has a key record. Reports key pairs with the
/// daemon's id prefix and no record (kept on purpose, see <see cref="HsmKeyReconciler"/>) and interrupted generations
/// still waiting for the HSM. Reads the tokens now; changes nothing.
/// </summary>
public sealed class HsmKeyOrphanHealthCheck(HsmKeyReconciler reconciler, IHsmKeyOperations hsm) : IHealthCheck
{
    public const string CheckId = "check.keys.hsm-records";

    public string Id => CheckId;
    public string Description => "Every key pair this daemon generated on the HSM has a key record (no orphans left by a crash or an older database).";

    public async Task<DoctorResult> RunAsync(CancellationToken cancellationToken)
    {
        if (!hsm.IsConfigured)
            return new DoctorResult { Check = Id, Status = DoctorStatus.Pass, Message = "No HSM is configured: there are no HSM key pairs to check." };

        var evidence = new Dictionary<string, string>(StringComparer.Ordinal);
        IReadOnlyList<HsmTokenKeys> tokens;
        try
        {
            tokens = await hsm.ListKeysAsync(cancellationToken).ConfigureAwait(false);
        }
        catch (OpsException e)
        {
            return new DoctorResult { Check = Id, Status = DoctorStatus.Warn, Message = "The HSM's key pairs could not be listed: " + e.Message, Remediation = e.RecommendedAction };
        }

        foreach (var t in tokens)
            evidence[$"{t.Member}.keyPairs"] = t.Keys is null ? "unreadable: " + t.Error : t.Keys.Count.ToString(CultureInfo.InvariantCulture);
        var orphans = reconciler.Orphans(tokens);
        var unsettled = reconciler.Unsettled;
        for (var i = 0; i < orphans.Count; i++)
            evidence[$"orphan.{i + 1}"] = $"{orphans[i].Member}: id {orphans[i].Key.IdHex}, label '{orphans[i].Key.Label}'";
        for (var i = 0; i < unsettled.Count; i++)
            evidence[$"interrupted.{i + 1}"] = $"id {unsettled[i].CkaIdHex} ({unsettled[i].Name}), requested {unsettled[i].RequestedAt:u} by {unsettled[i].RequestedBy}";

        var problems = new List<string>();
        var fixes = new List<string>();
        if (orphans.Count > 0)
        {
            problems.Add($"{orphans.Count} key pair(s) on the HSM carry this daemon's key id prefix but have no key record: {string.Join("; ", orphans.Select(o => $"{o.Member} {o.Key.IdHex} '{o.Key.Label}'"))}.");
            fixes.Add("If the state database was restored from an older backup, restore the newer one that records these keys. Otherwise they were left by an interrupted generation and never used: destroy them with the HSM's tool (e.g. pkcs11-tool --module <library> --token-label <token> --login --delete-object --type privkey --id <id>, and the same with --type pubkey).");
        }
        if (unsettled.Count > 0)
        {
            problems.Add($"{unsettled.Count} interrupted key generation(s) wait for every HSM token to answer, to be rolled back: {string.Join(", ", unsettled.Select(u => u.CkaIdHex))}.");
            fixes.Add("Bring the HSM (and the backup, if configured) back: 'stella crypto hsm status'; the daemon settles them by itself once it can read every token.");
        }
        if (problems.Count > 0)
            return new DoctorResult { Check = Id, Status = DoctorStatus.Warn, Message = string.Join(" ", problems), Remediation = string.Join("\n", fixes), Evidence = evidence };
        if (tokens.Any(t => t.Keys is null))
            return new DoctorResult { Check = Id, Status = DoctorStatus.Warn, Message = "Not every HSM token could be read: " + string.Join("; ", tokens.Where(t => t.Keys is null).Select(t => $"{t.Member}: {t.Error}")), Remediation = "Check 'stella crypto hsm status'.", Evidence = evidence };
        return new DoctorResult { Check = Id, Status = DoctorStatus.Pass, Message = "Every key pair with this daemon's key id prefix on the HSM has a key record.", Evidence = evidence };
    }
}
