namespace StellaOps.Ops.Contracts.Rpc;

/// <summary>One TUF role's trusted version before and after a sync.</summary>
public sealed record TrustRoleVersion
{
    public string Role { get; init; } = "";
    public long? Before { get; init; }
    public long? After { get; init; }
    public bool Changed => Before != After;

    public override string ToString() => $"{Role} {Before?.ToString(System.Globalization.CultureInfo.InvariantCulture) ?? "-"} → {After?.ToString(System.Globalization.CultureInfo.InvariantCulture) ?? "-"}";
}
