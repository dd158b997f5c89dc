namespace StellaOps.Ops.Contracts.Rpc;

public sealed record HandshakeResponse
{
    public int ProtocolVersion { get; init; }
    public string DaemonVersion { get; init; } = "";
    public CallerIdentity Caller { get; init; } = new();
    public string Endpoint { get; init; } = "";
}
