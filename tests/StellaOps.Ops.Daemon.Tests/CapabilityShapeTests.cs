using System.Reflection;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Hosting;
using StellaOps.Ops.Contracts.Rpc;
using StellaOps.Ops.Daemon.Doctor;
using StellaOps.Ops.Daemon.Hosting;
using StellaOps.Ops.Daemon.Settings;
using StellaOps.Ops.Daemon.SystemInfo;

namespace StellaOps.Ops.Daemon.Tests;

/// <summary>
/// The capability shape of docs/architecture.md ("How to add a capability"): each capability is a folder
/// (namespace <c>StellaOps.Ops.Daemon.&lt;Folder&gt;</c>) with one static <c>&lt;Name&gt;Capability</c> class whose
/// <c>Add…</c> methods register its parts, every part (status, health checks, reloads, setting validators,
/// hosted services, the RPC class) lives in that folder, and the host registers capabilities only through
/// those classes. Each test lists every violation at once.
/// </summary>
public sealed class CapabilityShapeTests : IDisposable
{
    /// <summary>Registrations made here; instances they hold (the metrics listener, the event log writer) are disposed after each test.</summary>
    private readonly List<IServiceCollection> _made = [];

    private const string DaemonNamespace = "StellaOps.Ops.Daemon.";

    /// <summary>The host's own folder: composition, paths and the start-up state checks, not a capability.</summary>
    private static readonly string Hosting = typeof(DaemonHost).Namespace!;

    private static readonly Type[] Parts =
        [typeof(ICapabilityStatus), typeof(IHealthCheck), typeof(IReloadable), typeof(ISettingValidator), typeof(IHostedService)];

    private static readonly Type[] Contracts = [.. RpcContracts.All.Select(c => c.Interface)];

    private static bool IsShaped(Type service) => Parts.Contains(service) || Contracts.Contains(service);

    [Fact]
    public void EveryFolderWithPartsHasExactlyOneRegistrationClass()
    {
        var violations = new List<string>();
        var byNamespace = RegistrationClasses().GroupBy(c => c.Namespace!).ToDictionary(g => g.Key, g => g.ToList());
        foreach (var (ns, classes) in byNamespace.Where(p => p.Value.Count > 1))
            violations.Add($"{ns} has {classes.Count} registration classes ({string.Join(", ", classes.Select(c => c.Name))}); a capability has one.");
        foreach (var ns in PartImplementations().Select(t => t.Namespace!).Distinct().Where(ns => ns != Hosting))
        {
            if (!byNamespace.ContainsKey(ns))
                violations.Add($"{ns} has capability parts but no <Name>Capability registration class.");
        }
        foreach (var c in RegistrationClasses().Where(c => RegistrationMethods(c).Count == 0))
            violations.Add($"{c.FullName} has no public static Add… method extending IServiceCollection.");
        Assert.True(violations.Count == 0, string.Join("\n", violations));
    }

    [Fact]
    public void EveryCapabilityRegistersOnlyPartsOfItsOwnFolder()
    {
        var violations = new List<string>();
        foreach (var (capability, descriptors) in ByCapability())
        {
            foreach (var d in descriptors.Where(d => IsShaped(d.ServiceType)))
            {
                var owner = Owner(d);
                if (owner.Namespace != capability.Namespace)
                    violations.Add($"{capability.Name} registers {d.ServiceType.Name} as {owner.FullName}, which lives outside {capability.Namespace}.");
            }
        }
        Assert.True(violations.Count == 0, string.Join("\n", violations));
    }

    [Fact]
    public void EveryPartIsRegisteredByTheCapabilityOfItsFolder()
    {
        var registered = ByCapability().ToDictionary(p => p.Key.Namespace!, p => p.Value);
        var violations = new List<string>();
        foreach (var part in PartImplementations().Where(t => t.Namespace != Hosting))
        {
            if (!registered.TryGetValue(part.Namespace!, out var descriptors))
                continue; // reported by EveryFolderWithPartsHasExactlyOneRegistrationClass
            var found = descriptors.Any(d => Implementation(d) == part || d.ServiceType == part);
            if (!found)
                violations.Add($"{part.FullName} implements {string.Join(", ", Parts.Where(p => p.IsAssignableFrom(part)).Select(p => p.Name))} but its folder's capability class does not register it.");
        }
        Assert.True(violations.Count == 0, string.Join("\n", violations));
    }

    [Fact]
    public void TheHostRegistersCapabilitiesOnlyThroughTheirClasses()
    {
        var host = DaemonHost.CreateBuilder([]).Services;
        _made.Add(host);
        var byCapability = ByCapability();
        var violations = new List<string>();
        foreach (var d in host.Where(d => IsShaped(d.ServiceType)))
        {
            var fromCapability = byCapability.Any(p => p.Value.Any(c => Same(c, d)));
            if (!fromCapability && Owner(d).Namespace != Hosting)
                violations.Add($"DaemonHost registers {d.ServiceType.Name} as {Owner(d).FullName} itself; register it in the capability class of {Owner(d).Namespace}.");
        }
        foreach (var (capability, descriptors) in byCapability)
        {
            // Its parts, not everything: a TryAdd fallback (Keys' NoHsmConfigured) rightly gives way to another capability's.
            if (!descriptors.Where(c => IsShaped(c.ServiceType)).All(c => host.Any(d => Same(c, d))))
                violations.Add($"{capability.Name} is not called by DaemonHost.CreateBuilder.");
        }
        foreach (var contract in Contracts)
        {
            var owners = byCapability.Where(p => p.Value.Any(d => d.ServiceType == contract)).Select(p => p.Key.Name).ToList();
            if (owners.Count != 1)
                violations.Add($"{contract.Name} is registered by {owners.Count} capabilities ({string.Join(", ", owners)}); one capability serves each contract.");
        }
        Assert.True(violations.Count == 0, string.Join("\n", violations));
    }

    /// <summary>
    /// The "signing" helper's daemon/Attestor, reshaped at the same time (AttestorService.Store). Remove the entry once
    /// it passes; the test fails while an entry hides nothing.
    /// </summary>
    private static readonly string[] StoresNotYetInjected = [];

    [Fact]
    public void AStoreIsInjectedWhereItIsUsedNotHandedOutByItsService()
    {
        var daemon = typeof(DaemonHost).Assembly;
        bool IsStore(Type t) => t.Assembly == daemon && t.Name.EndsWith("Store", StringComparison.Ordinal);
        var handedOut = daemon.GetTypes()
            .Where(t => !IsStore(t) && !t.IsDefined(typeof(System.Runtime.CompilerServices.CompilerGeneratedAttribute)))
            .SelectMany(t => t.GetMembers(BindingFlags.Public | BindingFlags.Instance | BindingFlags.Static | BindingFlags.DeclaredOnly)
                .Where(m => m switch { PropertyInfo p => IsStore(p.PropertyType), FieldInfo f => IsStore(f.FieldType), MethodInfo mi => !mi.IsSpecialName && IsStore(mi.ReturnType), _ => false })
                .Select(m => (Type: t, Member: m)))
            .ToList();
        var violations = handedOut.Where(h => !StoresNotYetInjected.Contains(h.Type.Namespace))
            .Select(h => $"{h.Type.FullName}.{h.Member.Name} hands out a store; inject the store where it is used.").ToList();
        violations.AddRange(StoresNotYetInjected.Where(ns => !handedOut.Any(h => h.Type.Namespace == ns))
            .Select(ns => $"{ns} no longer hands out a store: remove it from StoresNotYetInjected."));
        Assert.True(violations.Count == 0, string.Join("\n", violations));
    }

    [Fact]
    public void TheShapeCheckSeesAPartRegisteredFromAnotherFolder()
    {
        // The owner of a registration is where its type or its factory lives: what the checks above compare.
        var services = new ServiceCollection();
        services.AddSingleton<IHealthCheck, Storage.StorageHealthCheck>();
        services.AddSingleton<IReloadable>(_ => throw new InvalidOperationException("never resolved"));
        Assert.Equal(typeof(Storage.StorageHealthCheck).Namespace, Owner(services[0]).Namespace);
        Assert.Equal(typeof(CapabilityShapeTests), Owner(services[1]));
    }

    public void Dispose()
    {
        foreach (var d in _made.SelectMany(s => s).Where(d => !d.IsKeyedService))
            (d.ImplementationInstance as IDisposable)?.Dispose();
    }

    private static IEnumerable<Type> RegistrationClasses() => typeof(DaemonHost).Assembly.GetTypes()
        .Where(t => t is { IsAbstract: true, IsSealed: true, IsNested: false } && t.Name.EndsWith("Capability", StringComparison.Ordinal)
                    && t.Namespace?.StartsWith(DaemonNamespace, StringComparison.Ordinal) == true);

    private static List<MethodInfo> RegistrationMethods(Type capability) =>
    [
        .. capability.GetMethods(BindingFlags.Public | BindingFlags.Static)
            .Where(m => m.Name.StartsWith("Add", StringComparison.Ordinal) && m.ReturnType == typeof(IServiceCollection)
                        && m.GetParameters() is [{ ParameterType: var first }, ..] && first == typeof(IServiceCollection)),
    ];

    /// <summary>What each registration class adds, each method on an empty collection (further parameters at their defaults).</summary>
    private Dictionary<Type, List<ServiceDescriptor>> ByCapability()
    {
        var result = new Dictionary<Type, List<ServiceDescriptor>>();
        foreach (var capability in RegistrationClasses())
        {
            var services = new ServiceCollection();
            _made.Add(services);
            foreach (var method in RegistrationMethods(capability))
            {
                var args = method.GetParameters().Select((p, i) => i == 0 ? services
                    : p.HasDefaultValue ? p.DefaultValue
                    : p.ParameterType.IsValueType ? Activator.CreateInstance(p.ParameterType) : null).ToArray();
                method.Invoke(null, args);
            }
            result[capability] = [.. services];
        }
        return result;
    }

    /// <summary>Concrete types of the daemon that are capability parts (nested types count: their folder is their outer type's).</summary>
    private static IEnumerable<Type> PartImplementations() => typeof(DaemonHost).Assembly.GetTypes()
        .Where(t => t is { IsClass: true, IsAbstract: false } && !t.IsDefined(typeof(System.Runtime.CompilerServices.CompilerGeneratedAttribute))
                    && Parts.Any(p => p.IsAssignableFrom(t)));

    private static Type? Implementation(ServiceDescriptor d) => d.IsKeyedService ? d.KeyedImplementationType : d.ImplementationType;

    /// <summary>Where a registration comes from: its type, its instance's type, or the type whose code holds its factory.</summary>
    private static Type Owner(ServiceDescriptor d)
    {
        var type = Implementation(d)
                   ?? (d.IsKeyedService ? d.KeyedImplementationInstance : d.ImplementationInstance)?.GetType()
                   ?? (d.IsKeyedService ? d.KeyedImplementationFactory?.Method : d.ImplementationFactory?.Method)?.DeclaringType
                   ?? throw new InvalidOperationException($"A registration of {d.ServiceType} has no type, instance or factory.");
        while (type.DeclaringType is not null) type = type.DeclaringType;
        return type;
    }

    private static bool Same(ServiceDescriptor a, ServiceDescriptor b)
        => a.ServiceType == b.ServiceType && a.Lifetime == b.Lifetime && Implementation(a) == Implementation(b)
           && a.ImplementationInstance?.GetType() == b.ImplementationInstance?.GetType()
           && a.ImplementationFactory?.Method == b.ImplementationFactory?.Method;
}
