using StellaOps.Ops.TestLogServer;
using StellaOps.Ops.Transparency.Entries;

namespace StellaOps.Ops.Transparency.Tests;

/// <summary>The test log's v2 integrates as rekor-tiles does: the entries pending together go in together, under one checkpoint.</summary>
public sealed class TestLogBatchingTests
{
    [Fact]
    public async Task V2EntriesPendingTogetherAreAnsweredWithOneCheckpointThatCoversThemAll()
    {
        using var log = new TestLog(2, checkpointInterval: TimeSpan.FromSeconds(1));
        log.Name = "batching.test";
        var bodies = Enumerable.Range(0, 5).Select(i => System.Text.Encoding.UTF8.GetBytes($"{{\"entry\":{i}}}")).ToList();
        var waiting = bodies.Select(log.AppendWhenIntegratedAsync).ToList();
        var again = log.AppendWhenIntegratedAsync(bodies[2]);
        var answers = await Task.WhenAll(waiting);

        Assert.Equal(5, log.Size);
        Assert.Equal([0L, 1, 2, 3, 4], answers.Select(a => a.Index).Order());
        Assert.All(answers, a => Assert.True(a.Created));
        Assert.Equal((answers[2].Index, false), await again);
        var entries = answers.Select(a => log.Entry(a.Index)).ToList();
        Assert.All(entries, e => Assert.Equal(5, e.Proof!.TreeSize));
        Assert.Single(entries.Select(e => e.Proof!.Checkpoint).Distinct());
        Assert.Equal((answers[0].Index, false), await log.AppendWhenIntegratedAsync(bodies[0]));
    }

    [Fact]
    public async Task V1IntegratesEachEntryAtOnce()
    {
        using var log = new TestLog(1, checkpointInterval: TimeSpan.FromHours(1));
        var (index, created) = await log.AppendWhenIntegratedAsync("{\"v1\":true}"u8.ToArray());
        Assert.Equal((0L, true), (index, created));
        Assert.Equal(1, log.Size);
        Assert.Equal(RekorEntryBodies.DsseKind, log.Entry(0).Kind);
    }
}
