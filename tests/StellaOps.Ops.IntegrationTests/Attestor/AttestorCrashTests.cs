using System.Collections.Concurrent;
using Microsoft.Data.Sqlite;
using Xunit.Abstractions;
using StellaOps.Ops.Contracts;
using StellaOps.Ops.Contracts.Rpc;
using static StellaOps.Ops.IntegrationTests.Attestor.AttestorTestHost;

namespace StellaOps.Ops.IntegrationTests.Attestor;

/// <summary>Evidence first, proven with SIGKILL: what the daemon acknowledged survives, and nothing is stuck.</summary>
public sealed class AttestorCrashTests(ITestOutputHelper output)
{
    private const int Total = 1000;
    private const int BatchSize = 5;
    private const int Clients = 4;

    [Fact]
    public async Task Kill_9_during_a_burst_of_1000_creates_loses_no_acknowledged_attestation_and_leaves_the_rest_retryable()
    {
        await using var first = await DaemonProcess.StartNewAsync();
        var acknowledged = new ConcurrentDictionary<string, AttestationStatus>();
        var subjectsSent = 0;
        {
            await using var setup = await first.ConnectAsync();
            await ActiveSoftwareKeyAsync(setup);
        }

        // Four clients send small batches as fast as they can; the daemon is killed mid-burst.
        using var killed = new CancellationTokenSource();
        var senders = Enumerable.Range(0, Clients).Select(c => Task.Run(async () =>
        {
            await using var client = await first.ConnectAsync();
            try
            {
                while (!killed.IsCancellationRequested)
                {
                    var start = Interlocked.Add(ref subjectsSent, BatchSize) - BatchSize;
                    if (start >= Total) return;
                    var batch = Enumerable.Range(start, BatchSize).Select(i => Request($"test:burst-{i}")).ToArray();
                    var results = await client.Attest.CreateAsync(batch, null, CancellationToken.None);
                    foreach (var r in results) acknowledged[r.Attestation!.Id] = r.Attestation.Status;
                }
            }
            catch (Exception) when (killed.IsCancellationRequested)
            {
                // The connection died with the daemon: whatever was in flight was never acknowledged.
            }
        })).ToArray();
        while (acknowledged.Count < Total / 3 && !senders.All(s => s.IsCompleted)) await Task.Delay(5);
        killed.Cancel();
        first.Kill();
        await Task.WhenAll(senders);
        Assert.True(acknowledged.Count < Total, "the burst finished before the kill; nothing was tested");
        Assert.All(acknowledged.Values, s => Assert.Equal(AttestationStatus.Signed, s));

        await using var second = new DaemonProcess(first.Root, first.Settings);
        await second.StartAsync();
        await using var after = await second.ConnectAsync();
        var stored = (await AllAsync(after)).ToDictionary(a => a.Id);

        // Every acknowledged attestation is there, signed; every other row is signed or retryable (Pending or Failed).
        foreach (var id in acknowledged.Keys) Assert.Equal(AttestationStatus.Signed, stored[id].Status);
        var unsigned = stored.Values.Where(a => a.Status != AttestationStatus.Signed).Select(a => a.Id).ToHashSet();
        Assert.All(unsigned, id => Assert.DoesNotContain(id, acknowledged.Keys));
        output.WriteLine($"acknowledged {acknowledged.Count}, stored {stored.Count}, left unsigned by the kill {unsigned.Count}");
        var retried = await after.Attest.RetryAsync(new AttestationRetryRequest { Failed = true }, null, CancellationToken.None);
        Assert.Equal(unsigned.Order(), retried.Select(r => r.Attestation!.Id).Order());
        Assert.All(retried, r => Assert.Equal(AttestationStatus.Signed, r.Attestation!.Status));
        foreach (var id in unsigned)
            Assert.Contains((await after.Attest.GetAsync(id, CancellationToken.None)).History!, e => e.Event == "interrupted");

        // Now all are signed, each exactly once, and each stored envelope still matches its evidence.
        var final = await AllAsync(after);
        Assert.Equal(stored.Count, final.Length);
        Assert.All(final, a => Assert.Equal(AttestationStatus.Signed, a.Status));
        foreach (var id in unsigned.Take(20)) Assert.Equal(1, await SignedEventsAsync(after, id));
        await using (var db = new SqliteConnection($"Data Source={second.DatabasePath};Mode=ReadOnly"))
        {
            await db.OpenAsync();
            await using var twice = db.CreateCommand();
            twice.CommandText = "SELECT count(*) FROM (SELECT attestation_id FROM attestation_events WHERE event IN ('signed', 'resigned') GROUP BY attestation_id HAVING count(*) <> 1);";
            Assert.Equal(0L, await twice.ExecuteScalarAsync());
            await using var signings = db.CreateCommand();
            signings.CommandText = "SELECT count(*) FROM attestation_events WHERE event IN ('signed', 'resigned');";
            Assert.Equal((long)final.Length, await signings.ExecuteScalarAsync());
        }
        var integrity = await after.Attest.CheckIntegrityAsync([.. final.Select(a => a.Id)], CancellationToken.None);
        Assert.All(integrity, i => Assert.True(i.Intact, i.Id));
        Assert.Equal(0, (await after.Attest.GetStatusAsync(CancellationToken.None)).Pending);
    }
}
