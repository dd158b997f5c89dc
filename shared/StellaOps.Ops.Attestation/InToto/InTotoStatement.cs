using System.Text.Json;

namespace StellaOps.Ops.Attestation.InToto;

/// <summary>
/// An in-toto Statement v1: <c>{"_type":"https://in-toto.io/Statement/v1","subject":[…],"predicateType":…,"predicate":…}</c>.
/// Serialization is deterministic: that property order, subjects in the given order, digest algorithms in ordinal
/// order, no whitespace, no HTML escaping. The predicate is kept as a <see cref="JsonElement"/> and written back as
/// it was read (compacted).
/// </summary>
public sealed class InTotoStatement
{
    public const string StatementTypeV1 = "https://in-toto.io/Statement/v1";

    public InTotoStatement(IEnumerable<Subject> subjects, string predicateType, JsonElement? predicate = null)
    {
        ArgumentNullException.ThrowIfNull(subjects);
        ArgumentException.ThrowIfNullOrEmpty(predicateType);
        Subjects = subjects.ToArray();
        if (Subjects.Count == 0) throw new ArgumentException("A statement needs at least one subject.", nameof(subjects));
        if (Subjects.Any(s => s is null)) throw new ArgumentException("A subject cannot be null.", nameof(subjects));
        PredicateType = predicateType;
        Predicate = predicate is { ValueKind: not JsonValueKind.Undefined } p ? p.Clone() : null;
    }

    /// <summary>Convenience: a predicate given as an object serialized with System.Text.Json defaults.</summary>
    public static InTotoStatement Create<TPredicate>(IEnumerable<Subject> subjects, string predicateType, TPredicate predicate)
        => new(subjects, predicateType, JsonSerializer.SerializeToElement(predicate));

    public string Type => StatementTypeV1;

    public IReadOnlyList<Subject> Subjects { get; }

    public string PredicateType { get; }

    /// <summary>Arbitrary JSON, or null when the statement has no predicate.</summary>
    public JsonElement? Predicate { get; }

    public byte[] ToJsonBytes() => AttestationJson.Write(WriteTo);

    public string ToJson() => System.Text.Encoding.UTF8.GetString(ToJsonBytes());

    public void WriteTo(Utf8JsonWriter writer)
    {
        writer.WriteStartObject();
        writer.WriteString("_type", StatementTypeV1);
        writer.WriteStartArray("subject");
        foreach (var subject in Subjects)
        {
            writer.WriteStartObject();
            writer.WriteString("name", subject.Name);
            writer.WriteStartObject("digest");
            foreach (var (alg, hex) in subject.Digest) writer.WriteString(alg, hex);
            writer.WriteEndObject();
            writer.WriteEndObject();
        }
        writer.WriteEndArray();
        writer.WriteString("predicateType", PredicateType);
        if (Predicate is { } predicate)
        {
            writer.WritePropertyName("predicate");
            predicate.WriteTo(writer);
        }
        writer.WriteEndObject();
    }

    public static InTotoStatement Parse(ReadOnlySpan<byte> utf8Json)
        => TryParse(utf8Json, out var statement, out var error) ? statement : throw new FormatException(error);

    public static InTotoStatement Parse(string json) => Parse(System.Text.Encoding.UTF8.GetBytes(json));

    /// <summary>Parses and validates a statement; never throws for bad input.</summary>
    public static bool TryParse(ReadOnlySpan<byte> utf8Json, [System.Diagnostics.CodeAnalysis.NotNullWhen(true)] out InTotoStatement? statement, out string error)
    {
        statement = null;
        error = "";
        JsonDocument doc;
        try
        {
            doc = JsonDocument.Parse(utf8Json.ToArray(), AttestationJson.DocumentOptions);
        }
        catch (JsonException e)
        {
            error = $"The statement is not valid JSON: {e.Message}";
            return false;
        }

        using (doc)
        {
            var root = doc.RootElement;
            if (root.ValueKind != JsonValueKind.Object)
            {
                error = "The statement must be a JSON object.";
                return false;
            }
            var type = AttestationJson.GetString(root, "_type");
            if (type != StatementTypeV1)
            {
                error = type is null
                    ? "The statement has no string '_type'."
                    : $"Unsupported statement _type '{type}'; expected '{StatementTypeV1}'.";
                return false;
            }
            var predicateType = AttestationJson.GetString(root, "predicateType");
            if (string.IsNullOrEmpty(predicateType))
            {
                error = "The statement has no 'predicateType'.";
                return false;
            }
            if (!root.TryGetProperty("subject", out var subjectsElement) || subjectsElement.ValueKind != JsonValueKind.Array)
            {
                error = "The statement has no 'subject' array.";
                return false;
            }
            var subjects = new List<Subject>();
            var i = 0;
            foreach (var s in subjectsElement.EnumerateArray())
            {
                if (!TryParseSubject(s, i, out var subject, out error)) return false;
                subjects.Add(subject);
                i++;
            }
            if (subjects.Count == 0)
            {
                error = "The statement's 'subject' array is empty.";
                return false;
            }
            JsonElement? predicate = root.TryGetProperty("predicate", out var p) && p.ValueKind != JsonValueKind.Null ? p.Clone() : null;
            statement = new InTotoStatement(subjects, predicateType, predicate);
            return true;
        }
    }

    private static bool TryParseSubject(JsonElement s, int index, [System.Diagnostics.CodeAnalysis.NotNullWhen(true)] out Subject? subject, out string error)
    {
        subject = null;
        error = "";
        if (s.ValueKind != JsonValueKind.Object)
        {
            error = $"subject[{index}] is not an object.";
            return false;
        }
        var name = AttestationJson.GetString(s, "name");
        if (string.IsNullOrEmpty(name))
        {
            error = $"subject[{index}] has no 'name'.";
            return false;
        }
        if (!s.TryGetProperty("digest", out var digestElement) || digestElement.ValueKind != JsonValueKind.Object)
        {
            error = $"subject[{index}] ('{name}') has no 'digest' object.";
            return false;
        }
        var digest = new Dictionary<string, string>(StringComparer.Ordinal);
        foreach (var prop in digestElement.EnumerateObject())
        {
            if (prop.Value.ValueKind != JsonValueKind.String)
            {
                error = $"subject[{index}] ('{name}') digest '{prop.Name}' is not a string.";
                return false;
            }
            var hex = prop.Value.GetString()!;
            var problem = DigestAlgorithms.Validate(prop.Name, hex);
            if (problem is not null)
            {
                error = $"subject[{index}] ('{name}'): {problem}";
                return false;
            }
            if (!digest.TryAdd(prop.Name, hex))
            {
                error = $"subject[{index}] ('{name}') repeats digest '{prop.Name}'.";
                return false;
            }
        }
        if (digest.Count == 0)
        {
            error = $"subject[{index}] ('{name}') has an empty digest.";
            return false;
        }
        subject = new Subject(name, digest);
        return true;
    }
}
