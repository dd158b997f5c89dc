using System.Collections.Concurrent;
using System.Reflection;
using StellaOps.Ops.Contracts;

namespace StellaOps.Ops.Daemon.Ipc;

/// <summary>What the daemon enforces for one RPC method, read once from its contract attributes.</summary>
internal sealed class RpcMethodPolicy
{
    private static readonly ConcurrentDictionary<MethodInfo, RpcMethodPolicy> Cache = new();
    private static readonly MethodInfo WrapGeneric = typeof(AuthorizingProxy).GetMethod(nameof(AuthorizingProxy.CompleteAsync), BindingFlags.NonPublic | BindingFlags.Static)!;

    private RpcMethodPolicy(MethodInfo method, string rpcName)
    {
        Method = method;
        RpcName = rpcName;
        Role = method.GetCustomAttribute<RequiresRoleAttribute>()?.Role
               ?? throw new InvalidOperationException($"RPC method {method.DeclaringType?.Name}.{method.Name} declares no [RequiresRole]: every RPC method must say who may call it.");
        var parameters = method.GetParameters();
        CancellationIndex = Array.FindIndex(parameters, p => p.ParameterType == typeof(CancellationToken));
        AuditedParameters = [.. parameters
            .Select((p, i) => (p, i))
            .Where(x => x.p.ParameterType != typeof(CancellationToken)
                        && !(x.p.ParameterType.IsGenericType && x.p.ParameterType.GetGenericTypeDefinition() == typeof(IProgress<>))
                        && x.p.GetCustomAttribute<SensitiveAttribute>() is null)
            .Select(x => (x.p.Name ?? $"arg{x.i}", x.i))];
        var returnType = method.ReturnType;
        if (!returnType.IsGenericType || returnType.GetGenericTypeDefinition() != typeof(Task<>))
            throw new InvalidOperationException($"RPC method {method.Name} must return Task<T>.");
        Completer = WrapGeneric.MakeGenericMethod(returnType.GetGenericArguments()[0]);
    }

    public MethodInfo Method { get; }
    public string RpcName { get; }
    public CallerRole Role { get; }
    public int CancellationIndex { get; }
    public IReadOnlyList<(string Name, int Index)> AuditedParameters { get; }
    public MethodInfo Completer { get; }
    public bool IsMutating => Role == CallerRole.Operator;

    public static RpcMethodPolicy For(MethodInfo method, string prefix)
        => Cache.GetOrAdd(method, m => new RpcMethodPolicy(m, prefix + m.Name));

    /// <summary>Fails start-up when any contract method lacks a role, instead of at the first call.</summary>
    public static void ValidateContract(Type contract, string prefix)
    {
        foreach (var m in contract.GetMethods()) For(m, prefix);
    }
}
