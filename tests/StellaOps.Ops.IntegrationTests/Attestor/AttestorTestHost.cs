using System.Diagnostics;
using StellaOps.Ops.Attestation.InToto;
using StellaOps.Ops.Contracts;
using StellaOps.Ops.Contracts.Client;
using StellaOps.Ops.Contracts.Rpc;

namespace StellaOps.Ops.IntegrationTests.Attestor;

/// <summary>Requests and look-ups the attestor tests share.</summary>
internal static class AttestorTestHost
{
    public static AttestationSubject Subject(string text)
    {
        var s = SubjectFactory.Parse(text);
        return new AttestationSubject { Name = s.Name, Digest = new Dictionary<string, string>(s.Digest) };
    }

    public static AttestationRequest Request(string subject, string type = "test", bool force = false, string? predicate = null)
        => new() { Type = type, Subjects = [Subject(subject)], Force = force, PredicateJson = predicate };

    public static async Task<AttestationResult> CreateOneAsync(OpsClient client, AttestationRequest request)
        => Assert.Single(await client.Attest.CreateAsync([request], null, CancellationToken.None));

    public static async Task<KeyInfo> ActiveSoftwareKeyAsync(OpsClient client, KeyAlgorithm algorithm = KeyAlgorithm.EcdsaP256, string? name = null)
    {
        var key = await client.Keys.GenerateAsync(new KeyGenerationRequest { Algorithm = algorithm, Provider = KeyProvider.Software, Name = name }, CancellationToken.None);
        return await client.Keys.ActivateAsync(key.Id, CancellationToken.None);
    }

    /// <summary>Every attestation in the store (the tests make fewer than the limit).</summary>
    public static async Task<AttestationInfo[]> AllAsync(OpsClient client)
        => await client.Attest.ListAsync(new AttestationQuery { Limit = 100_000 }, CancellationToken.None);

    /// <summary>How many times each attestation was signed, from its history: the "none signed twice" evidence.</summary>
    public static async Task<int> SignedEventsAsync(OpsClient client, string id)
        => (await client.Attest.GetAsync(id, CancellationToken.None)).History!.Count(e => e.Event is "signed" or "resigned");

    public static async Task<LogEvent[]> WaitForLogAsync(OpsClient client, string filter, LogLevel level, TimeSpan timeout)
    {
        var sw = Stopwatch.StartNew();
        while (true)
        {
            var events = await client.Log.QueryAsync(new LogQuery { Component = "Attestor", MinLevel = level, Filter = filter }, CancellationToken.None);
            if (events.Length > 0 || sw.Elapsed > timeout) return events;
            await Task.Delay(100);
        }
    }

    public static async Task<double> MetricAsync(OpsClient client, string name)
        => (await client.System.GetMetricsAsync(name, CancellationToken.None)).Sum(m => m.Value);
}
