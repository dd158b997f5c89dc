using System.Collections;
using System.Collections.Concurrent;
using System.Reflection;
using System.Text.Json;
using System.Text.Json.Serialization;
using StellaOps.Ops.Contracts;

namespace StellaOps.Ops.Daemon.Ipc;

/// <summary>
/// Checks a call's arguments against its contract before the call, for every RPC method alike: what the contract
/// declares non-nullable (a parameter, a DTO property, a list element, a map value) must not be null. JSON lets a
/// client send <c>null</c> anywhere; this turns it into an InvalidArgument naming the place (<c>requests[0].subjects[0]</c>)
/// instead of a NullReferenceException deep in a service. Rules are read once per method and per DTO type.
/// </summary>
internal sealed class RpcArgumentValidator
{
    private static readonly Lock ContextGate = new();
    private static readonly NullabilityInfoContext Context = new();
    private static readonly ConcurrentDictionary<Type, PropertyRule[]> DtoRules = new();

    private readonly (string Name, int Index, Rule Rule)[] _parameters;

    private RpcArgumentValidator((string, int, Rule)[] parameters) => _parameters = parameters;

    public static RpcArgumentValidator For(MethodInfo method)
    {
        var parameters = method.GetParameters();
        var rules = new List<(string, int, Rule)>();
        for (var i = 0; i < parameters.Length; i++)
        {
            var p = parameters[i];
            if (p.ParameterType == typeof(CancellationToken)) continue;
            NullabilityInfo info;
            lock (ContextGate) info = Context.Create(p);
            rules.Add((p.Name ?? $"arg{i}", i, Rule.From(info)));
        }
        return new RpcArgumentValidator([.. rules]);
    }

    /// <summary>Throws <see cref="OpsException"/> (InvalidArgument) for the first null where the contract allows none.</summary>
    public void Validate(string rpcName, object?[] args)
    {
        foreach (var (name, index, rule) in _parameters)
        {
            var value = index < args.Length ? args[index] : null;
            // A batch of thousands of items is checked without building a path for each place; only a call that
            // breaks a rule is walked again to name the place.
            if (!rule.Holds(value)) rule.Check(value, name, rpcName);
        }
    }

    private static bool IsDto(Type t) => t.IsClass && !t.IsAbstract && t != typeof(string) && t.Assembly == typeof(Protocol).Assembly;

    private static PropertyRule[] RulesOf(Type dto) => DtoRules.GetOrAdd(dto, t =>
    {
        var list = new List<PropertyRule>();
        foreach (var p in t.GetProperties(BindingFlags.Public | BindingFlags.Instance))
        {
            // Only what a client can set: computed properties are not input.
            if (p.SetMethod is null || p.GetIndexParameters().Length > 0 || p.GetCustomAttribute<JsonIgnoreAttribute>() is not null) continue;
            NullabilityInfo info;
            lock (ContextGate) info = Context.Create(p);
            var name = p.GetCustomAttribute<JsonPropertyNameAttribute>()?.Name ?? JsonNamingPolicy.CamelCase.ConvertName(p.Name);
            list.Add(new PropertyRule(name, p, Rule.From(info)));
        }
        return [.. list];
    });

    private sealed record PropertyRule(string JsonName, PropertyInfo Property, Rule Rule);

    /// <summary>What may be null at one place, and the rules for what is inside (elements, map values, DTO properties).</summary>
    private sealed class Rule
    {
        private bool MayBeNull { get; init; }
        private Rule? Element { get; init; }
        private Rule? MapValue { get; init; }
        private Type? Dto { get; init; }

        public static Rule From(NullabilityInfo info)
        {
            var t = info.Type;
            var mayBeNull = t.IsValueType || info.ReadState != NullabilityState.NotNull;
            if (t.IsValueType || t == typeof(string) || t == typeof(byte[])) return new Rule { MayBeNull = mayBeNull };
            if (t.IsArray && info.ElementType is { } element) return new Rule { MayBeNull = mayBeNull, Element = From(element) };
            if (t.IsGenericType && typeof(IEnumerable).IsAssignableFrom(t))
            {
                var args = info.GenericTypeArguments;
                if (args.Length == 2) return new Rule { MayBeNull = mayBeNull, MapValue = From(args[1]) };
                if (args.Length == 1) return new Rule { MayBeNull = mayBeNull, Element = From(args[0]) };
            }
            return new Rule { MayBeNull = mayBeNull, Dto = IsDto(t) ? t : null };
        }

        /// <summary>The same rules as <see cref="Check"/>, answered without naming the place (no allocation per item).</summary>
        public bool Holds(object? value)
        {
            if (value is null) return MayBeNull;
            if (MapValue is not null && value is IDictionary map)
            {
                foreach (DictionaryEntry e in map)
                    if (!MapValue.Holds(e.Value)) return false;
            }
            else if (Element is not null && value is IEnumerable items)
            {
                foreach (var item in items)
                    if (!Element.Holds(item)) return false;
            }
            else if (Dto is not null)
            {
                foreach (var p in RulesOf(Dto))
                    if (!p.Rule.Holds(p.Property.GetValue(value))) return false;
            }
            return true;
        }

        public void Check(object? value, string path, string rpcName)
        {
            if (value is null)
            {
                if (MayBeNull) return;
                throw OpsException.InvalidArgument($"{rpcName}: {path} must not be null.", path,
                    $"Give {path} a value: the daemon takes no null there (Get-Help on the cmdlet shows the expected input).");
            }
            if (MapValue is not null && value is IDictionary map)
            {
                foreach (DictionaryEntry e in map) MapValue.Check(e.Value, $"{path}[{Key(e.Key)}]", rpcName);
            }
            else if (Element is not null && value is IEnumerable items)
            {
                var i = 0;
                foreach (var item in items) Element.Check(item, $"{path}[{i++}]", rpcName);
            }
            else if (Dto is not null)
            {
                foreach (var p in RulesOf(Dto)) p.Rule.Check(p.Property.GetValue(value), $"{path}.{p.JsonName}", rpcName);
            }
        }

        /// <summary>A map key as it appears in a path: the client's text, so cut short and without control characters.</summary>
        private static string Key(object key)
        {
            var text = new string([.. (key.ToString() ?? "").Take(40).Select(c => char.IsControl(c) ? '?' : c)]);
            return "\"" + text + "\"";
        }
    }
}
