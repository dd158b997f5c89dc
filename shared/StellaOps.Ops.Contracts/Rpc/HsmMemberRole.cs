namespace StellaOps.Ops.Contracts.Rpc;

public enum HsmMemberRole { Primary, Backup }
