namespace StellaOps.Ops.Contracts.Unix;

public enum UnixFileKind
{
    Other,
    Directory,
    RegularFile,
    SymbolicLink,
    Socket,
}
