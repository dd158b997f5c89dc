namespace StellaOps.Ops.Contracts.Rpc;

/// <summary>The state of one capability (ipc, storage, hsm, keys, signing, …) as it reports itself.</summary>
public sealed record CapabilityStatus
{
    public string Name { get; init; } = "";
    public CapabilityState State { get; init; }
    public string Message { get; init; } = "";

    public override string ToString() => $"{Name}: {State}";
}
