using System.Diagnostics;
using StellaOps.Ops.Contracts;
using StellaOps.Ops.Contracts.Rpc;

namespace StellaOps.Ops.IntegrationTests;

/// <summary>
/// Issue 9, item 15: the state directory on a real small file system (tmpfs, a few MB) that fills up. A change that
/// needs room is refused as StorageFull ("the disk holding the state directory is full"), the storage check fails, the
/// daemon will not start on the full disk and says why, and once there is room again it starts with everything
/// acknowledged before.
/// </summary>
public sealed class FullDiskTests : IAsyncLifetime
{
    private string _mount = null!;

    public Task InitializeAsync()
    {
        if (Environment.UserName != "root") throw new InvalidOperationException("Mounting a tmpfs needs root (CI runs as root).");
        _mount = Directory.CreateTempSubdirectory("stellaops-fulldisk-").FullName;
        Run("mount", "-t", "tmpfs", "-o", "size=8m,mode=0700", "tmpfs", _mount);
        return Task.CompletedTask;
    }

    public Task DisposeAsync()
    {
        Run("umount", _mount);
        Directory.Delete(_mount);
        return Task.CompletedTask;
    }

    [Fact]
    public async Task A_full_disk_is_named_as_such_fails_the_check_and_stops_the_start_and_nothing_acknowledged_is_lost()
    {
        var root = Path.Combine(_mount, "d");
        Directory.CreateDirectory(root);
        await using var d = new DaemonProcess(root);
        await d.StartAsync();
        var filler = Path.Combine(_mount, "filler");
        await using (var client = await d.ConnectAsync())
        {
            await client.Config.SetAsync("keys.alerts.expiring_days", "21", CancellationToken.None);
            Fill(filler);

            // A change that needs new room: 3 MB of evidence. (A small one may still commit on a full disk, durably, into
            // the WAL's own space, which SQLite reuses once the checkpoint thread has folded the WAL back.)
            var evidence = new AttestationRequest
            {
                Type = "test",
                Subjects = [new AttestationSubject { Name = "big", Digest = new Dictionary<string, string> { ["sha256"] = new string('a', 64) } }],
                PredicateJson = $"{{\"filler\":\"{new string('x', 3 * 1024 * 1024)}\"}}",
                Force = true,
            };
            var ex = await Assert.ThrowsAsync<OpsException>(() => HandshakeAndSettingsTests.Call(() =>
                client.Attest.CreateAsync([evidence], null, CancellationToken.None)));
            Assert.Equal(OpsErrorCode.StorageFull, ex.Code);
            Assert.StartsWith($"The disk holding the state directory {d.StateDirectory} is full", ex.Message);
            Assert.DoesNotContain("incident", ex.Message);
            Assert.Contains("df -h", ex.RecommendedAction);

            var check = (await client.Doctor.RunAsync(["check.daemon.storage"], null, CancellationToken.None)).Single();
            Assert.Equal(DoctorStatus.Fail, check.Status);
            Assert.Equal("0", check.Evidence["freeBytes"]);
            Assert.Contains("is full", check.Message);
        }
        await d.StopAsync();

        var output = await d.AssertRefusesToStartAsync();
        Assert.Contains($"The disk holding the state directory {d.StateDirectory} is full", output);
        Assert.Contains("does not start", output);

        File.Delete(filler);
        await d.StartAsync();
        await using var again = await d.ConnectAsync();
        Assert.Equal("21", (await again.Config.GetAsync("keys.alerts.expiring_days", CancellationToken.None)).Single().Value);
    }

    /// <summary>Writes <paramref name="path"/> until the file system has no byte left.</summary>
    private static void Fill(string path)
    {
        var chunk = new byte[64 * 1024];
        using var f = new FileStream(path, FileMode.CreateNew, FileAccess.Write, FileShare.None, 1);
        try
        {
            while (true) f.Write(chunk);
        }
        catch (IOException)
        {
            // ENOSPC: now the last partial chunk's worth, a byte at a time.
        }
        try
        {
            while (true) { f.WriteByte(0); f.Flush(); }
        }
        catch (IOException)
        {
        }
        Assert.Equal(0, new DriveInfo(path).AvailableFreeSpace);
    }

    private static void Run(string file, params string[] args)
    {
        var psi = new ProcessStartInfo(file) { RedirectStandardError = true };
        foreach (var a in args) psi.ArgumentList.Add(a);
        using var p = Process.Start(psi)!;
        var error = p.StandardError.ReadToEnd();
        p.WaitForExit();
        if (p.ExitCode != 0) throw new InvalidOperationException($"{file} {string.Join(' ', args)} failed: {error}");
    }
}
