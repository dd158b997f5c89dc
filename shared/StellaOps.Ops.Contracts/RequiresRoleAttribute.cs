namespace StellaOps.Ops.Contracts;

/// <summary>
/// Declares the least role an RPC method needs. Every method of every RPC interface carries one; the daemon
/// refuses to start if one does not. <see cref="CallerRole.Operator"/> methods are mutating and audited.
/// </summary>
[AttributeUsage(AttributeTargets.Method, Inherited = true)]
public sealed class RequiresRoleAttribute(CallerRole role) : Attribute
{
    public CallerRole Role { get; } = role;
}
