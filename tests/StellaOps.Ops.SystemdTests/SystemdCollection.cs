namespace StellaOps.Ops.SystemdTests;

/// <summary>Every systemd test shares one namespace and one installed service, and runs one after the other.</summary>
[CollectionDefinition("systemd")]
public sealed class SystemdCollection : ICollectionFixture<ServiceFixture>;
