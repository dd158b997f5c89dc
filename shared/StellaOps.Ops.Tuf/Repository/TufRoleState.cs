namespace StellaOps.Ops.Tuf.Repository;

/// <summary>One role of a repository as Get-StellaTufRepository shows it.</summary>
public sealed class TufRoleState
{
    public required string Role { get; init; }

    public long Version { get; init; }

    public DateTimeOffset Expires { get; init; }

    public int Threshold { get; init; }

    /// <summary>The role's key ids.</summary>
    public List<string> KeyIds { get; init; } = [];

    /// <summary>Holders (or online roles) with a valid signature.</summary>
    public List<string> SignedBy { get; init; } = [];

    /// <summary>Holders whose signature is still needed (a pending root), or the keys not signing (others).</summary>
    public List<string> NotSigned { get; init; } = [];

    public bool ThresholdMet { get; init; }

    /// <summary>True for a root waiting for signatures in <c>pending/</c>.</summary>
    public bool Pending { get; init; }
}
