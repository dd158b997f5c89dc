using System.Text.Json;
using System.Text.Json.Serialization;

namespace StellaOps.Ops.Contracts;

public sealed class DurationJsonConverter : JsonConverter<Duration>
{
    public override Duration Read(ref Utf8JsonReader reader, Type typeToConvert, JsonSerializerOptions options)
        => Duration.Parse(reader.GetString() ?? throw new JsonException("A duration must be a string like 30m."));

    public override void Write(Utf8JsonWriter writer, Duration value, JsonSerializerOptions options)
        => writer.WriteStringValue(value.ToString());
}
