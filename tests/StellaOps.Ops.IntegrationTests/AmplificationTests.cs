using System.Globalization;
using System.Text;
using System.Text.Json;
using StellaOps.Ops.Contracts;
using StellaOps.Ops.Contracts.Rpc;
using StellaOps.Ops.IntegrationTests.Attestor;
using Xunit.Abstractions;

namespace StellaOps.Ops.IntegrationTests;

/// <summary>
/// Small requests that used to buy huge work, answers and memory, sent by real second users: every batch is capped
/// (Protocol.MaxBatchItems) before the daemon builds it, and every answer is capped (Ipc:MaxAnswerBytes). The
/// daemon's memory is measured from /proc under the hostile inputs, against a generous bound.
/// </summary>
public sealed class AmplificationTests(ITestOutputHelper output)
{
    private static readonly CancellationToken None = CancellationToken.None;

    /// <summary>Peak memory the hostile requests may add: generous (they took the daemon to 1.34 GB before the caps).</summary>
    private const long MaxGrowthBytes = 300L * 1024 * 1024;

    [Fact]
    public async Task Huge_batches_from_a_reader_and_an_operator_are_refused_with_a_limit_error_and_memory_stays_bounded()
    {
        var (daemon, probe) = await MultiUserDaemon.StartAsync();
        await using var _ = daemon;
        await using var admin = await daemon.ConnectAsync();
        await admin.Config.SetAsync("attest.signing.mode", "software", None);
        await AttestorTestHost.ActiveSoftwareKeyAsync(admin);
        var id = (await AttestorTestHost.CreateOneAsync(admin, AttestorTestHost.Request("test:amplification"))).Attestation!.Id;
        var before = (await admin.Attest.ListAsync(new AttestationQuery(), None)).Length;

        // A reader: 100,000 copies of one id, 3.9 MB, four at once. An operator: a million empty requests, 3 MB.
        var integrity = Write(daemon, "integrity.jsonl", $$"""{"jsonrpc":"2.0","id":1,"method":"attest.CheckIntegrityAsync","params":[{{JsonSerializer.Serialize(Enumerable.Repeat(id, 100_000))}}]}""");
        var create = Write(daemon, "create.jsonl", $$"""{"jsonrpc":"2.0","id":1,"method":"attest.CreateAsync","params":[[{{string.Join(',', Enumerable.Repeat("{}", 1_000_000))}}],null]}""");
        output.WriteLine($"requests: {new FileInfo(integrity).Length} and {new FileInfo(create).Length} bytes");

        ResetPeakMemory(daemon.ProcessId);
        var baseline = Memory(daemon.ProcessId, "VmRSS");
        var replies = await Task.WhenAll(Enumerable.Range(0, 4).Select(_ => ProbeProcess.RunAsync(UnixAccounts.Reader, probe.Dll, daemon.Endpoint, "raw", integrity))
            .Append(ProbeProcess.RunAsync(UnixAccounts.Operator, probe.Dll, daemon.Endpoint, "raw", create)));
        var peak = Memory(daemon.ProcessId, "VmHWM");
        output.WriteLine($"daemon RSS {baseline / 1024 / 1024} MiB before, peak {peak / 1024 / 1024} MiB during; answers of {string.Join(", ", replies.Select(r => r.Single().GetProperty("bytes").GetInt32()))} bytes");

        foreach (var reply in replies.Select(r => r.Single()))
        {
            Assert.True(reply.GetProperty("bytes").GetInt32() < 4096, $"a refused batch should get a short answer, not {reply.GetProperty("bytes")} bytes");
            var error = JsonDocument.Parse(reply.GetProperty("reply").GetString()!).RootElement.GetProperty("error");
            Assert.Equal((int)OpsErrorCode.LimitExceeded, error.GetProperty("code").GetInt32());
            Assert.Equal("LimitExceeded", error.GetProperty("data").GetProperty("code").GetString());
            Assert.Contains($"at most {Protocol.MaxBatchItems}", error.GetProperty("message").GetString());
            Assert.Contains("Split the batch", error.GetProperty("data").GetProperty("recommendedAction").GetString());
        }
        Assert.True(peak - baseline < MaxGrowthBytes, $"the daemon grew by {(peak - baseline) / 1024 / 1024} MiB under the hostile batches");
        Assert.Equal(before, (await admin.Attest.ListAsync(new AttestationQuery(), None)).Length);

        // The cap is a batch size, not a ban: exactly the limit is served.
        var atLimit = await admin.Attest.CheckIntegrityAsync([.. Enumerable.Repeat(id, Protocol.MaxBatchItems)], None);
        Assert.Equal(Protocol.MaxBatchItems, atLimit.Length);
        Assert.All(atLimit, r => Assert.True(r.Intact));
    }

    [Fact]
    public async Task An_answer_over_the_limit_is_refused_with_a_clear_error_and_the_connection_goes_on()
    {
        var (daemon, probe) = await MultiUserDaemon.StartAsync(new Dictionary<string, string> { ["Ipc:MaxAnswerBytes"] = "65536" });
        await using var _ = daemon;
        await using (var admin = await daemon.ConnectAsync())
        {
            // Some 800 events (an audit record and a log line per change): far more than 64 KiB as an answer.
            for (var i = 0; i < 400; i++) await admin.Config.SetAsync("keys.alerts.expiring_days", (i % 300).ToString(CultureInfo.InvariantCulture), None);
        }
        var file = Write(daemon, "log.jsonl",
            """{"jsonrpc":"2.0","id":1,"method":"log.QueryAsync","params":[{"max":10000}]}""",
            """{"jsonrpc":"2.0","id":2,"method":"log.QueryAsync","params":[{"max":5}]}""");
        var replies = await ProbeProcess.RunAsync(UnixAccounts.Reader, probe.Dll, daemon.Endpoint, "raw", file);
        Assert.Equal(2, replies.Length);
        output.WriteLine(replies[0].ToString());
        Assert.True(replies[0].GetProperty("bytes").GetInt32() < 4096);
        var error = JsonDocument.Parse(replies[0].GetProperty("reply").GetString()!).RootElement.GetProperty("error");
        Assert.Equal("LimitExceeded", error.GetProperty("data").GetProperty("code").GetString());
        Assert.Contains("log.QueryAsync", error.GetProperty("message").GetString());
        Assert.Contains("65536 bytes (Ipc:MaxAnswerBytes)", error.GetProperty("message").GetString());
        var small = JsonDocument.Parse(replies[1].GetProperty("reply").GetString()!).RootElement;
        Assert.Equal(5, small.GetProperty("result").GetArrayLength());
    }

    private static string Write(DaemonProcess daemon, string name, params string[] lines)
    {
        var path = Path.Combine(daemon.Root, name);
        File.WriteAllText(path, string.Join('\n', lines) + "\n", new UTF8Encoding(false));
        File.SetUnixFileMode(path, (UnixFileMode)Convert.ToInt32("644", 8));
        return path;
    }

    /// <summary>Resets the kernel's peak-RSS mark (VmHWM) of the process, so the peak measured is the peak of what follows.</summary>
    private static void ResetPeakMemory(int pid) => File.WriteAllText($"/proc/{pid}/clear_refs", "5");

    private static long Memory(int pid, string field)
    {
        var line = File.ReadLines($"/proc/{pid}/status").Single(l => l.StartsWith(field + ":", StringComparison.Ordinal));
        return long.Parse(line[(field.Length + 1)..].Trim().Split(' ')[0], CultureInfo.InvariantCulture) * 1024;
    }
}
