namespace StellaOps.Ops.Contracts.Rpc;

public sealed record HsmSlot
{
    public string Hsm { get; init; } = "";
    public ulong SlotId { get; init; }
    public string Description { get; init; } = "";
    public bool TokenPresent { get; init; }
    public string? TokenLabel { get; init; }
    public string? TokenSerial { get; init; }
    public string? TokenModel { get; init; }
    public bool TokenInitialized { get; init; }
    /// <summary>True for the slot holding the configured token.</summary>
    public bool InUse { get; init; }
}
