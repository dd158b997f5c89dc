using StellaOps.Ops.Hsm;

namespace StellaOps.Ops.Daemon.Hsm;

/// <summary>One generation of connections: rebuilt when the call deadline or the module changes.</summary>
public sealed class HsmRuntime(HsmFailoverGroup group, HsmOptions config, string primaryLibrary, string configurationFingerprint, TimeSpan callTimeout)
{
    public HsmFailoverGroup Group { get; } = group;
    public HsmOptions Config { get; } = config;
    public string PrimaryLibrary { get; } = primaryLibrary;
    public string ConfigurationFingerprint { get; } = configurationFingerprint;
    public TimeSpan CallTimeout { get; } = callTimeout;
    public IEnumerable<HsmConnection> Members => Group.Backup is null ? [Group.Primary] : [Group.Primary, Group.Backup];

    private readonly System.Collections.Concurrent.ConcurrentDictionary<HsmConnection, Task> _selfTestKey = new();

    /// <summary>The latest self-test key provisioning of <paramref name="member"/>; completed when none runs.</summary>
    public Task SelfTestKeyProvisioning(HsmConnection member) => _selfTestKey.TryGetValue(member, out var t) ? t : Task.CompletedTask;

    /// <summary>Completes when no member's self-test key provisioning runs any more.</summary>
    public Task SelfTestKeyProvisioningAsync() => Task.WhenAll(Members.Select(SelfTestKeyProvisioning));

    internal void TrackSelfTestKeyProvisioning(HsmConnection member, Task provisioning) => _selfTestKey[member] = provisioning;
}
