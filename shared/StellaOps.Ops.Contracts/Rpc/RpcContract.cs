namespace StellaOps.Ops.Contracts.Rpc;

public sealed record RpcContract(Type Interface, string Prefix);
