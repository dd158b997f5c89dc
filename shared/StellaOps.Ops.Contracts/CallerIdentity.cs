namespace StellaOps.Ops.Contracts;

/// <summary>Who is on the other end of a connection, as the daemon established it.</summary>
public sealed record CallerIdentity
{
    public int UserId { get; init; }
    public int GroupId { get; init; }
    public int ProcessId { get; init; }
    public string UserName { get; init; } = "";
    public IReadOnlyList<string> Groups { get; init; } = [];
    public CallerRole Role { get; init; }

    public override string ToString() => $"{UserName} (uid {UserId}, pid {ProcessId}, {Role})";
}
