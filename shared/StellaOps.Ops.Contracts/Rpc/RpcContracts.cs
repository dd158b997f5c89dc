namespace StellaOps.Ops.Contracts.Rpc;

/// <summary>
/// Every RPC interface with the method-name prefix it is served under. Both sides build their JSON-RPC
/// connection from this list, so adding a capability is one line here plus its interface.
/// </summary>
public static class RpcContracts
{
    public static IReadOnlyList<RpcContract> All { get; } =
    [
        new(typeof(ISystemRpc), "system."),
        new(typeof(IConfigRpc), "config."),
        new(typeof(ILogRpc), "log."),
        new(typeof(IDoctorRpc), "doctor."),
        new(typeof(IHsmRpc), "hsm."),
        new(typeof(IKeyRpc), "keys."),
        new(typeof(ISigningRpc), "signing."),
        new(typeof(IAttestRpc), "attest."),
        new(typeof(IVerifyRpc), "verify."),
        new(typeof(ITrustAnchorRpc), "anchors."),
        new(typeof(IKeyCertificateRpc), "certs."),
        new(typeof(IIssuerRpc), "issuers."),
        new(typeof(ITlogRpc), "tlog."),
        new(typeof(ITrustSyncRpc), "tuf."),
    ];

    public static string PrefixOf(Type contract)
        => All.FirstOrDefault(c => c.Interface == contract)?.Prefix
           ?? throw new ArgumentException($"{contract.Name} is not a registered RPC contract.", nameof(contract));
}
