using StellaOps.Ops.Contracts.Text;

namespace StellaOps.Ops.Contracts.Rpc;

public sealed record DaemonStatus
{
    public string Version { get; init; } = "";
    public int ProtocolVersion { get; init; }
    public DateTimeOffset StartedAt { get; init; }
    public TimeSpan Uptime { get; init; }
    public string Endpoint { get; init; } = "";
    public string StateDirectory { get; init; } = "";
    public int ProcessId { get; init; }
    public CallerIdentity Caller { get; init; } = new();
    public int SchemaVersion { get; init; }
    public int Connections { get; init; }
    public IReadOnlyList<CapabilityStatus> Capabilities { get; init; } = [];

    public override string ToString() => $"{Version} pid {ProcessId}, up {DisplayText.Uptime(Uptime)}, {Endpoint}";
}
