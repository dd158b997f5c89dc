namespace StellaOps.Ops.Hsm;

public enum HsmMember
{
    Primary,
    Backup,
}
