using System.Collections.Concurrent;
using System.Reflection;
using StellaOps.Ops.Contracts;
using StellaOps.Ops.Contracts.Rpc;

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
        Arguments = RpcArgumentValidator.For(method);
        Signature = string.Join(", ", parameters
            .Where(p => p.ParameterType != typeof(CancellationToken) && !(p.ParameterType.IsGenericType && p.ParameterType.GetGenericTypeDefinition() == typeof(IProgress<>)))
            .Select(p => $"{p.Name} ({TypeName(p.ParameterType)})"));
    }

    public MethodInfo Method { get; }
    public string RpcName { get; }
    public CallerRole Role { get; }
    public int CancellationIndex { get; }
    public IReadOnlyList<(string Name, int Index)> AuditedParameters { get; }
    public MethodInfo Completer { get; }
    public RpcArgumentValidator Arguments { get; }
    /// <summary>The parameters a client sends, for an error that says what the method takes: <c>name (String), value (String)</c>.</summary>
    public string Signature { get; }
    public bool IsMutating => Role == CallerRole.Operator;

    public static RpcMethodPolicy For(MethodInfo method, string prefix)
        => Cache.GetOrAdd(method, m => new RpcMethodPolicy(m, prefix + m.Name));

    /// <summary>The policy of a method by its wire name (<c>config.SetAsync</c>), or null when no contract has it.</summary>
    public static RpcMethodPolicy? Find(string rpcName)
    {
        foreach (var c in RpcContracts.All)
        {
            if (!rpcName.StartsWith(c.Prefix, StringComparison.Ordinal)) continue;
            var name = rpcName[c.Prefix.Length..];
            var method = c.Interface.GetMethods().FirstOrDefault(m => m.Name == name);
            if (method is not null) return For(method, c.Prefix);
        }
        return null;
    }

    private static string TypeName(Type t)
    {
        if (Nullable.GetUnderlyingType(t) is { } inner) return TypeName(inner) + "?";
        if (t.IsArray) return TypeName(t.GetElementType()!) + "[]";
        if (!t.IsGenericType) return t.Name;
        return t.Name[..t.Name.IndexOf('`', StringComparison.Ordinal)] + "<" + string.Join(", ", t.GetGenericArguments().Select(TypeName)) + ">";
    }

    /// <summary>Fails start-up when any contract method lacks a role, instead of at the first call.</summary>
    public static void ValidateContract(Type contract, string prefix)
    {
        foreach (var m in contract.GetMethods()) For(m, prefix);
    }
}
