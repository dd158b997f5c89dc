using Microsoft.Extensions.Hosting;
using StellaOps.Ops.Daemon.Hosting;
using StellaOps.Ops.Daemon.Storage;
using StellaOps.Ops.Daemon.SystemInfo;

// stella-opsd: exit 0 on a clean stop, 2 on bad arguments or configuration, 1 on a failure at run time.
try
{
    // The client verb for timers and scheduled tasks: runs doctor checks through the running daemon.
    if (args.Length > 0 && args[0] == ScheduledCheckCommand.Verb) return await ScheduledCheckCommand.RunAsync(args[1..], Console.Out).ConfigureAwait(false);
    var cli = DaemonCommandLine.Parse(args);
    if (cli.ShowHelp) { Console.WriteLine(DaemonCommandLine.Usage); return 0; }
    if (cli.ShowVersion) { Console.WriteLine($"stella-opsd {SystemRpc.DaemonVersion}"); return 0; }
    using var host = DaemonHost.Build(args);
    await host.RunAsync().ConfigureAwait(false);
    return 0;
}
catch (ArgumentException ex)
{
    Console.Error.WriteLine($"stella-opsd: {ex.Message}");
    return 2;
}
catch (Microsoft.Extensions.Options.OptionsValidationException ex)
{
    Console.Error.WriteLine($"stella-opsd: invalid configuration: {string.Join("; ", ex.Failures)}");
    return 2;
}
catch (SchemaTooNewException ex)
{
    Console.Error.WriteLine($"stella-opsd: {ex.Message}");
    return 2;
}
catch (Exception ex)
{
    // A refusal the operator can fix (a path someone else controls, a full disk) says what to do.
    var cause = ex.GetBaseException();
    Console.Error.WriteLine($"stella-opsd: cannot start: {cause.Message}");
    if (cause is StellaOps.Ops.Contracts.OpsException { RecommendedAction: { Length: > 0 } fix }) Console.Error.WriteLine($"stella-opsd: to fix: {fix}");
    return 1;
}
