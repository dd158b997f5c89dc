namespace StellaOps.Ops.Tuf;

/// <summary>One role's trusted version before and after a refresh (null: none was trusted / it was not loaded).</summary>
public sealed record TufRoleChange(string Role, long? VersionBefore, long? VersionAfter)
{
    public bool Changed => VersionBefore != VersionAfter;
}
