namespace StellaOps.Ops.Contracts;

/// <summary>What a caller may do. Decided by the daemon from the peer's OS credentials, never claimed by the client.</summary>
public enum CallerRole
{
    /// <summary>Refused at connect.</summary>
    None = 0,
    /// <summary>May only look: list, show, test, verify.</summary>
    Reader = 1,
    /// <summary>May change things; every such call is audited.</summary>
    Operator = 2,
}

/// <summary>
/// Declares the least role an RPC method needs. Every method of every RPC interface carries one; the daemon
/// refuses to start if one does not. <see cref="CallerRole.Operator"/> methods are mutating and audited.
/// </summary>
[AttributeUsage(AttributeTargets.Method, Inherited = true)]
public sealed class RequiresRoleAttribute(CallerRole role) : Attribute
{
    public CallerRole Role { get; } = role;
}

/// <summary>Marks a parameter whose value must never be logged or audited (PINs, secrets, key material).</summary>
[AttributeUsage(AttributeTargets.Parameter)]
public sealed class SensitiveAttribute : Attribute;

/// <summary>
/// A request that says itself what its audit record shows: what is acted on (a digest, a key id, a subject), never
/// the data, predicates or secrets it carries. The daemon audits a batch of them as its size and its first item,
/// instead of serialising the whole batch. A method, not a property, so it never goes over the wire.
/// </summary>
public interface IAuditDescribed
{
    string DescribeForAudit();
}

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
