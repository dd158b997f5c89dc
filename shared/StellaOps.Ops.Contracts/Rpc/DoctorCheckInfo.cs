namespace StellaOps.Ops.Contracts.Rpc;

public sealed record DoctorCheckInfo
{
    public string Check { get; init; } = "";
    public string Description { get; init; } = "";
}
