using System.Security.Cryptography;
using System.Text.Json;
using StellaOps.Ops.Attestation.InToto;
using StellaOps.Ops.Contracts;
using StellaOps.Ops.Contracts.Rpc;
using StellaOps.Ops.Contracts.Text;

namespace StellaOps.Ops.Daemon.Attestor;

/// <summary>Turns a request into the statement bytes that will be signed, validating everything a client could get wrong.</summary>
public static class StatementBuilder
{
    public static AttestationRecord Build(AttestationRequest request, DateTimeOffset now, string actor)
    {
        if (request is null) throw OpsException.InvalidArgument("An attestation request is empty.", "request");
        InputText.Check(request.Type, "attestation type", InputText.TypeMaxLength);
        var predicateType = PredicateTypes.Resolve(request.Type);
        if (request.Subjects is null || request.Subjects.Count == 0)
            throw OpsException.InvalidArgument("An attestation needs at least one subject.", "subject",
                "Give -Subject as name@sha256:<hex>, a bare sha256:<hex>, a file, or a test subject like test:verification.");
        var subjects = new List<Subject>();
        foreach (var s in request.Subjects)
        {
            InputText.Check(s?.Name, "subject name", InputText.SubjectMaxLength);
            try { subjects.Add(new Subject(s?.Name ?? "", s?.Digest ?? new Dictionary<string, string>())); }
            catch (ArgumentException ex)
            {
                throw OpsException.InvalidArgument($"Invalid subject '{s?.Name}': {ex.Message.Split(" (Parameter")[0]}", "subject",
                    "Give the subject as name@sha256:<64 lowercase hex>, or a name whose digest the client computes (test:verification).");
            }
        }
        JsonElement? predicate = null;
        if (!string.IsNullOrWhiteSpace(request.PredicateJson))
        {
            try
            {
                using var doc = JsonDocument.Parse(request.PredicateJson);
                if (doc.RootElement.ValueKind != JsonValueKind.Object)
                    throw OpsException.InvalidArgument($"The predicate must be a JSON object; got a {doc.RootElement.ValueKind.ToString().ToLowerInvariant()}.", "predicate", "Pass -Predicate as a hashtable or a JSON object text.");
                predicate = doc.RootElement.Clone();
            }
            catch (JsonException ex)
            {
                throw OpsException.InvalidArgument($"The predicate is not valid JSON: {ex.Message}", "predicate", "Pass -Predicate as a hashtable or a JSON object text.");
            }
        }
        var statement = new InTotoStatement(subjects, predicateType, predicate).ToJsonBytes();
        return new AttestationRecord
        {
            Id = Guid.CreateVersion7(now).ToString("D"),
            Type = PredicateTypes.Normalize(request.Type),
            PredicateType = predicateType,
            Subjects = [.. subjects.Select(s => new AttestationSubject { Name = s.Name, Digest = new Dictionary<string, string>(s.Digest) })],
            Statement = statement,
            StatementDigest = "sha256:" + Convert.ToHexStringLower(SHA256.HashData(statement)),
            Status = AttestationStatus.Pending,
            CreatedAt = now,
            CreatedBy = actor,
        };
    }
}
