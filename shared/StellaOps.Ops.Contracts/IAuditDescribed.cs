namespace StellaOps.Ops.Contracts;

/// <summary>
/// A request that says itself what its audit record shows: what is acted on (a digest, a key id, a subject), never
/// the data, predicates or secrets it carries. The daemon audits a batch of them as its size and its first item,
/// instead of serialising the whole batch. A method, not a property, so it never goes over the wire.
/// </summary>
public interface IAuditDescribed
{
    string DescribeForAudit();
}
