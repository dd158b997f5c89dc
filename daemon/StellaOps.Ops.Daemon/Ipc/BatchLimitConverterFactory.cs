using System.Text.Json;
using System.Text.Json.Serialization;
using StellaOps.Ops.Contracts;
using StellaOps.Ops.Contracts.Rpc;

namespace StellaOps.Ops.Daemon.Ipc;

/// <summary>
/// The one place the batch limit is enforced: while the daemon reads a request's arguments, every array, list and
/// map (at any depth) stops at <see cref="Protocol.MaxBatchItems"/> items and the request is refused, before the
/// rest is turned into objects: a 4 MiB request of a million tiny items costs a thousand objects, not a million
/// and then the work and the answer for each. Writing (answers) is plain System.Text.Json. Only the daemon's
/// request formatter carries it; byte arrays are base64 strings, bounded by the message size, not batches.
/// </summary>
public sealed class BatchLimitConverterFactory(int maxItems = Protocol.MaxBatchItems) : JsonConverterFactory
{
    private static readonly HashSet<Type> ListShapes =
        [typeof(List<>), typeof(IList<>), typeof(ICollection<>), typeof(IEnumerable<>), typeof(IReadOnlyList<>), typeof(IReadOnlyCollection<>)];

    private static readonly HashSet<Type> MapShapes = [typeof(Dictionary<,>), typeof(IDictionary<,>), typeof(IReadOnlyDictionary<,>)];

    public override bool CanConvert(Type typeToConvert) => ElementOf(typeToConvert) is not null || MapValueOf(typeToConvert) is not null;

    public override JsonConverter? CreateConverter(Type typeToConvert, JsonSerializerOptions options)
    {
        if (ElementOf(typeToConvert) is { } element)
            return (JsonConverter)Activator.CreateInstance(typeof(ListConverter<,>).MakeGenericType(typeToConvert, element), maxItems)!;
        var value = MapValueOf(typeToConvert)!;
        return (JsonConverter)Activator.CreateInstance(typeof(MapConverter<,>).MakeGenericType(typeToConvert, value), maxItems)!;
    }

    private static Type? ElementOf(Type t)
    {
        if (t.IsArray) return t.GetArrayRank() == 1 && t.GetElementType() != typeof(byte) ? t.GetElementType() : null;
        return t.IsGenericType && ListShapes.Contains(t.GetGenericTypeDefinition()) ? t.GetGenericArguments()[0] : null;
    }

    private static Type? MapValueOf(Type t)
        => t.IsGenericType && MapShapes.Contains(t.GetGenericTypeDefinition()) && t.GetGenericArguments()[0] == typeof(string)
            ? t.GetGenericArguments()[1] : null;

    private static BatchLimitExceededException TooMany(int max, Type item) => new(max, item);

    private sealed class ListConverter<TCollection, TElement>(int max) : JsonConverter<TCollection>
    {
        public override TCollection? Read(ref Utf8JsonReader reader, Type typeToConvert, JsonSerializerOptions options)
        {
            if (reader.TokenType == JsonTokenType.Null) return default;
            if (reader.TokenType != JsonTokenType.StartArray) throw new JsonException($"Expected an array of {typeof(TElement).Name}.");
            var items = new List<TElement>();
            while (reader.Read() && reader.TokenType != JsonTokenType.EndArray)
            {
                if (items.Count == max) throw TooMany(max, typeof(TElement));
                items.Add(JsonSerializer.Deserialize<TElement>(ref reader, options)!);
            }
            return typeof(TCollection).IsArray ? (TCollection)(object)items.ToArray() : (TCollection)(object)items;
        }

        public override void Write(Utf8JsonWriter writer, TCollection value, JsonSerializerOptions options)
            => JsonSerializer.Serialize(writer, value, RpcJson.Options);
    }

    private sealed class MapConverter<TMap, TValue>(int max) : JsonConverter<TMap>
    {
        public override TMap? Read(ref Utf8JsonReader reader, Type typeToConvert, JsonSerializerOptions options)
        {
            if (reader.TokenType == JsonTokenType.Null) return default;
            if (reader.TokenType != JsonTokenType.StartObject) throw new JsonException($"Expected an object of {typeof(TValue).Name} values.");
            var map = new Dictionary<string, TValue>();
            while (reader.Read() && reader.TokenType != JsonTokenType.EndObject)
            {
                if (map.Count == max) throw TooMany(max, typeof(TValue));
                var key = reader.GetString()!;
                reader.Read();
                map[key] = JsonSerializer.Deserialize<TValue>(ref reader, options)!;
            }
            return (TMap)(object)map;
        }

        public override void Write(Utf8JsonWriter writer, TMap value, JsonSerializerOptions options)
            => JsonSerializer.Serialize(writer, value, RpcJson.Options);
    }
}
