namespace StellaOps.Ops.Tuf;

/// <summary>One key of a role: the key id, type and scheme.</summary>
public sealed record TufRoleKeyStatus(string KeyId, string KeyType, string Scheme);
