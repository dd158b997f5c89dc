using StellaOps.Ops.Contracts;
using StellaOps.Ops.Contracts.Client;
using StellaOps.Ops.Contracts.Rpc;
using StellaOps.Ops.Daemon.SystemInfo;

namespace StellaOps.Ops.Daemon.Hosting;

/// <summary>
/// <c>stella-opsd check [--endpoint PATH] [CHECK ...]</c>: a client of a running daemon, for a systemd timer or a
/// Scheduled Task (Register-StellaScheduledCheck). It runs the doctor checks through the daemon (which writes every
/// run to its event log), prints one line per result with an sd-daemon priority prefix so the journal files a
/// failure as an error, and exits 1 when a check fails or the daemon cannot be asked: the unit's Result then says
/// "exit-code" and 'systemctl status' shows it failed.
/// </summary>
public static class ScheduledCheckCommand
{
    public const string Verb = "check";

    public const string Usage = """
        Usage: stella-opsd check [--endpoint PATH] [CHECK ...]
          Runs the named doctor checks (all when none are named) through the running daemon; exit 0 when none fails.
        """;

    public static async Task<int> RunAsync(string[] args, TextWriter output)
    {
        string? endpoint = null;
        var checks = new List<string>();
        for (var i = 0; i < args.Length; i++)
        {
            if (args[i] == "--endpoint" && i + 1 < args.Length) endpoint = args[++i];
            else if (args[i] is "-h" or "--help") { output.WriteLine(Usage); return 0; }
            else if (args[i].StartsWith("--", StringComparison.Ordinal)) throw new ArgumentException($"Unknown argument '{args[i]}'.\n\n{Usage}");
            else checks.Add(args[i]);
        }
        endpoint ??= Protocol.ResolveClientEndpoint(null);
        try
        {
            await using var client = await OpsClient.ConnectAsync(endpoint, "stella-opsd check", SystemRpc.DaemonVersion, TimeSpan.FromSeconds(30), CancellationToken.None).ConfigureAwait(false);
            var results = await client.Doctor.RunAsync(checks.Count == 0 ? null : [.. checks], null, CancellationToken.None).ConfigureAwait(false);
            foreach (var r in results)
            {
                output.WriteLine($"{Priority(r.Status)}{r.Check}: {r.Status}: {r.Message}" + (r.Status == DoctorStatus.Pass || r.Remediation is null ? "" : $" To fix: {r.Remediation}"));
            }
            var failed = results.Count(r => r.Status == DoctorStatus.Fail);
            output.WriteLine($"{(failed > 0 ? "<3>" : "<6>")}{results.Length} checks: {results.Count(r => r.Status == DoctorStatus.Pass)} passed, {results.Count(r => r.Status == DoctorStatus.Warn)} warned, {failed} failed.");
            return failed > 0 ? 1 : 0;
        }
        catch (Exception ex)
        {
            var e = OpsClient.Translate(ex, endpoint);
            output.WriteLine($"<3>cannot run the checks: {e.Message}" + (e is OpsException { RecommendedAction: { Length: > 0 } fix } ? $" To fix: {fix}" : ""));
            return 1;
        }
    }

    /// <summary>sd-daemon(3) prefixes: journald strips them and stores the priority.</summary>
    private static string Priority(DoctorStatus status) => status switch { DoctorStatus.Fail => "<3>", DoctorStatus.Warn => "<4>", _ => "<6>" };
}
