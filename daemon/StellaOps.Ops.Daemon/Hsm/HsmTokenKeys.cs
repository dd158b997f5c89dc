using StellaOps.Ops.Hsm;

namespace StellaOps.Ops.Daemon.Hsm;

/// <summary>What one member's token holds: its key pairs, or why they could not be listed.</summary>
public sealed record HsmTokenKeys(string Member, IReadOnlyList<HsmKeyInfo>? Keys, string? Error);
