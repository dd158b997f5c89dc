using System.Management.Automation;

namespace StellaOps.Ops.PowerShell.Daemon;

/// <summary>Disconnect-StellaDaemon: closes this session's cached connection to the daemon (the next cmdlet reconnects).</summary>
[Cmdlet(VerbsCommunications.Disconnect, "StellaDaemon", DefaultParameterSetName = "Endpoint")]
[OutputType(typeof(void))]
public sealed class DisconnectStellaDaemonCommand : PSCmdlet
{
    /// <summary>The endpoint whose connection to close; default as for every cmdlet.</summary>
    [Parameter(ParameterSetName = "Endpoint", Position = 0)]
    [ValidateNotNullOrEmpty]
    public string? Endpoint { get; set; }

    /// <summary>Close this session's connections to every endpoint.</summary>
    [Parameter(ParameterSetName = "All", Mandatory = true)]
    public SwitchParameter All { get; set; }

    protected override void ProcessRecord()
    {
        var closed = ConnectionCache.Close(Endpoint, All);
        WriteVerbose($"Closed {closed} connection(s).");
    }
}
