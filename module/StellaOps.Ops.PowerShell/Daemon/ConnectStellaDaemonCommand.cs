using System.Management.Automation;
using StellaOps.Ops.Contracts.Rpc;

namespace StellaOps.Ops.PowerShell.Daemon;

/// <summary>
/// Connect-StellaDaemon: opens (or checks) this session's cached connection and returns the handshake: the
/// daemon's version and who the daemon thinks you are. Every other cmdlet connects on its own; this one is for
/// checking access up front, e.g. at the top of a runbook script.
/// </summary>
[Cmdlet(VerbsCommunications.Connect, "StellaDaemon")]
[OutputType(typeof(HandshakeResponse))]
public sealed class ConnectStellaDaemonCommand : StellaCmdlet
{
    protected override void ProcessRecord()
    {
        var handshake = InvokeForItem((c, _, _) => Task.FromResult(c.Handshake), null);
        if (handshake is not null) WriteObject(handshake);
    }
}
