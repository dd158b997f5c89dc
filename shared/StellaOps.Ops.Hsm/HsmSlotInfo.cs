namespace StellaOps.Ops.Hsm;

/// <summary>A slot of the module.</summary>
public sealed record HsmSlotInfo(ulong SlotId, string Description, bool TokenPresent, string? TokenLabel, string? TokenSerial, string? TokenModel, bool TokenInitialized)
{
    /// <summary>A slot whose token is not initialised (SoftHSM always offers one) is free.</summary>
    public bool Free => TokenPresent && !TokenInitialized;
}
