using System.Management.Automation;
using StellaOps.Ops.Contracts;
using StellaOps.Ops.PowerShell.Doctor;

namespace StellaOps.Ops.PowerShell.Service;

/// <summary>
/// Register-StellaScheduledCheck: runs doctor checks on a schedule (a systemd timer on Linux, a Scheduled Task on
/// Windows) through <c>stella-opsd check</c>. Registering a name again replaces its checks and interval.
/// </summary>
[Cmdlet(VerbsLifecycle.Register, "StellaScheduledCheck", SupportsShouldProcess = true, ConfirmImpact = ConfirmImpact.Medium)]
[OutputType(typeof(StellaScheduledCheck))]
public sealed class RegisterStellaScheduledCheckCommand : ServiceManagerCmdlet
{
    /// <summary>Doctor check ids (wildcards allowed); none: every check.</summary>
    [Parameter(Position = 0, ValueFromPipelineByPropertyName = true)]
    [Alias("Id")]
    [ArgumentCompleter(typeof(DoctorCheckCompleter))]
    public string[] Check { get; set; } = [];

    /// <summary>How often: 15m, 1h, 1d (at least 1s; Windows rounds up to whole minutes).</summary>
    [Parameter(Mandatory = true)]
    [DurationTransformation]
    public Duration Every { get; set; }

    /// <summary>The schedule's name (its unit is stellaops-check-NAME.timer); default the check ids joined with '_'.</summary>
    [Parameter]
    [ValidatePattern("^[A-Za-z0-9][A-Za-z0-9._-]{0,63}$")]
    public string? Name { get; set; }

    /// <summary>The stella-opsd binary the schedule runs; default the one the installed service runs.</summary>
    [Parameter]
    [ValidateNotNullOrEmpty]
    public string? DaemonPath { get; set; }

    /// <summary>The daemon's socket the checks ask; default the system daemon's.</summary>
    [Parameter]
    [ValidateNotNullOrEmpty]
    public string? Endpoint { get; set; }

    private readonly List<string> _checks = [];

    protected override void ProcessRecord() => _checks.AddRange(Check);

    protected override void EndProcessing()
    {
        var checks = _checks.Distinct(StringComparer.OrdinalIgnoreCase).ToList();
        foreach (var c in checks.Where(c => !ScheduledCheckUnits.CheckPattern().IsMatch(c)))
        {
            ThrowTerminatingError(ErrorMapping.ToErrorRecord(new OpsException(OpsErrorCode.InvalidArgument,
                $"'{c}' is not a doctor check id.", c, "Run 'Get-StellaDoctorCheck' to list the check ids."), c));
        }
        if (Every.Value < TimeSpan.FromSeconds(1))
        {
            ThrowTerminatingError(ErrorMapping.ToErrorRecord(new OpsException(OpsErrorCode.InvalidArgument,
                $"-Every {Every} is too short: the schedule needs at least 1s between runs.", Every.ToString(), "Use an interval like 15m or 1h."), Every));
        }
        var name = Name ?? ScheduledCheckUnits.DefaultName(checks);
        var unit = OperatingSystem.IsWindows() ? $@"\StellaOps\check-{name}" : ScheduledCheckUnits.TimerUnit(name);
        var what = checks.Count == 0 ? "every doctor check" : string.Join(", ", checks);
        if (ShouldProcess(unit, $"run {what} every {Every}"))
        {
            var endpoint = Endpoint ?? Protocol.SystemEndpoint;
            Run(name, () => WriteObject(ScheduledChecks.Register(name, checks, Every, DaemonPath, endpoint, StopToken)));
        }
        base.EndProcessing();
    }
}
