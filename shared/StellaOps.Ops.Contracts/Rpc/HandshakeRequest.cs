namespace StellaOps.Ops.Contracts.Rpc;

public sealed record HandshakeRequest
{
    public int ProtocolVersion { get; init; } = Protocol.Version;
    public string ClientName { get; init; } = "";
    public string ClientVersion { get; init; } = "";
}
