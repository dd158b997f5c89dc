using System.Diagnostics;
using StellaOps.Ops.Contracts;
using StellaOps.Ops.Contracts.Client;
using StellaOps.Ops.Contracts.Rpc;
using StellaOps.Ops.TestSupport;
using static StellaOps.Ops.IntegrationTests.HandshakeAndSettingsTests;
using static StellaOps.Ops.IntegrationTests.Hsm.HsmTestHost;

namespace StellaOps.Ops.IntegrationTests.Hsm;

/// <summary>
/// Set-StellaHsmPin keeps the token and the PIN file in step (the real daemon, a real SoftHSM2 token): the new PIN is
/// written beside the file first (exclusive create), the token changed second, the file renamed last. A planted
/// <c>.new</c> symlink, a full file system, a wrong current PIN and a PIN file that cannot be replaced each leave the
/// token and the file with the same (old) PIN and no <c>.new</c> of the daemon's behind.
/// </summary>
public sealed class PinChangeTests
{
    private const string OldPin = "11112222";
    private const string NewPin = "99998888";

    [Fact]
    public async Task A_new_file_planted_as_a_symlink_by_another_user_is_refused_and_the_token_keeps_its_PIN()
    {
        UnixAccounts.Ensure();
        using var token = SoftHsmToken.Create(pin: OldPin);
        await using var d = new DaemonProcess();
        // A shared sticky directory (like /tmp): anyone may create a name in it, nobody may touch root's files.
        var shared = Directory.CreateTempSubdirectory("stellaops-pindir-").FullName;
        try
        {
            File.SetUnixFileMode(shared, (UnixFileMode)Convert.ToInt32("1777", 8));
            var pinFile = WritePin(shared, OldPin);
            var victim = Path.Combine(d.Root, "victim.txt");
            Directory.CreateDirectory(d.Root);
            File.WriteAllText(victim, "precious");
            var (rc, output) = UnixAccounts.RunAs(UnixAccounts.Stranger, "/bin/ln", "-s", victim, pinFile + ".new");
            Assert.True(rc == 0, output);
            await using var client = await StartAsync(d, token, pinFile);

            var e = await Assert.ThrowsAsync<OpsException>(() => Call(() => client.Hsm.SetPinAsync("primary", OldPin, NewPin, CancellationToken.None)));
            Assert.Equal(OpsErrorCode.Conflict, e.Code);
            Assert.Contains($"'{pinFile}.new' already exists (a symbolic link owned by uid {Uid(UnixAccounts.Stranger)}", e.Message);
            Assert.Contains("the token and", e.Message);
            Assert.Contains("still have the current PIN", e.Message);
            Assert.Contains($"rm '{pinFile}.new'", e.RecommendedAction);

            Assert.Equal("precious", File.ReadAllText(victim));
            Assert.Equal(OldPin + "\n", File.ReadAllText(pinFile));
            Assert.True(TokenAccepts(token, OldPin));
            Assert.False(TokenAccepts(token, NewPin));
            Assert.Equal(pinFile + ".new", new FileInfo(pinFile + ".new").FullName);
            Assert.NotNull(new FileInfo(pinFile + ".new").LinkTarget);
            AssertNoPins(d);
        }
        finally
        {
            Directory.Delete(shared, recursive: true);
        }
    }

    [Fact]
    public async Task A_failing_write_on_a_full_file_system_leaves_token_and_file_with_the_old_PIN()
    {
        using var token = SoftHsmToken.Create(pin: OldPin);
        await using var d = new DaemonProcess();
        var mount = Directory.CreateTempSubdirectory("stellaops-pinfs-").FullName;
        Run("mount", "-t", "tmpfs", "-o", "size=64k,mode=0700", "tmpfs", mount);
        try
        {
            var pinFile = WritePin(mount, OldPin);
            Fill(Path.Combine(mount, "filler"));
            await using var client = await StartAsync(d, token, pinFile);

            var e = await Assert.ThrowsAsync<OpsException>(() => Call(() => client.Hsm.SetPinAsync("primary", OldPin, NewPin, CancellationToken.None)));
            Assert.Equal(OpsErrorCode.HsmPinFileNotWritten, e.Code);
            Assert.Contains($"'{pinFile}.new'", e.Message);
            Assert.Contains("still have the current PIN", e.Message);

            Assert.True(TokenAccepts(token, OldPin));
            Assert.False(TokenAccepts(token, NewPin));
            Assert.Equal(OldPin + "\n", File.ReadAllText(pinFile));
            Assert.False(File.Exists(pinFile + ".new"));
            // The daemon still logs in: nothing is out of step.
            Assert.True(Assert.Single(await client.Hsm.TestLoginAsync(CancellationToken.None)).Success);
            AssertNoPins(d);
        }
        finally
        {
            Run("umount", "-l", mount);
            Directory.Delete(mount, recursive: true);
        }
    }

    [Fact]
    public async Task A_wrong_current_PIN_leaves_the_file_old_and_no_new_file_behind()
    {
        using var token = SoftHsmToken.Create(pin: OldPin);
        await using var d = new DaemonProcess();
        var pinFile = WritePin(d.Root, OldPin);
        await using var client = await StartAsync(d, token, pinFile);

        var e = await Assert.ThrowsAsync<OpsException>(() => Call(() => client.Hsm.SetPinAsync("primary", "00000000", NewPin, CancellationToken.None)));
        Assert.Equal(OpsErrorCode.HsmPinIncorrect, e.Code);
        Assert.Equal(OldPin + "\n", File.ReadAllText(pinFile));
        Assert.False(File.Exists(pinFile + ".new"));
        Assert.True(TokenAccepts(token, OldPin));
        AssertNoPins(d);
    }

    [Fact]
    public async Task A_PIN_file_that_cannot_be_replaced_sets_the_token_back_and_the_next_change_works()
    {
        using var token = SoftHsmToken.Create(pin: OldPin);
        await using var d = new DaemonProcess();
        var pinFile = WritePin(d.Root, OldPin);
        await using var client = await StartAsync(d, token, pinFile);
        // Immutable: readable, but a rename over it fails (EPERM) after the token already took the new PIN.
        Run("chattr", "+i", pinFile);
        try
        {
            var e = await Assert.ThrowsAsync<OpsException>(() => Call(() => client.Hsm.SetPinAsync("primary", OldPin, NewPin, CancellationToken.None)));
            Assert.Equal(OpsErrorCode.HsmPinFileNotWritten, e.Code);
            Assert.Contains("the token's PIN was set back", e.Message);
            Assert.Contains("both still have the current PIN", e.Message);
        }
        finally
        {
            Run("chattr", "-i", pinFile);
        }

        Assert.True(TokenAccepts(token, OldPin));
        Assert.False(TokenAccepts(token, NewPin));
        Assert.Equal(OldPin + "\n", File.ReadAllText(pinFile));
        Assert.False(File.Exists(pinFile + ".new"));

        var ok = await client.Hsm.SetPinAsync("primary", OldPin, NewPin, CancellationToken.None);
        Assert.True(ok.Success, ok.Message);
        Assert.Equal(NewPin, File.ReadAllText(pinFile));
        Assert.Equal(UnixFileMode.UserRead | UnixFileMode.UserWrite, File.GetUnixFileMode(pinFile));
        Assert.False(File.Exists(pinFile + ".new"));
        Assert.True(TokenAccepts(token, NewPin));
        AssertNoPins(d, NewPin);

        // Audited before the effect (an intent: "started" before the token and the file change), each outcome after it:
        // the failed change with where the PINs are, the second with both changed. Newest first; never a PIN.
        var audit = await client.Log.QueryAsync(new LogQuery { Component = "Audit", Filter = "hsm.SetPinAsync" }, CancellationToken.None);
        Assert.Equal(4, audit.Length);
        Assert.Contains(" started", audit[3].Message, StringComparison.Ordinal);
        Assert.Contains($"about to change the user PIN of 'primary' on the token and in {pinFile}", audit[3].Message, StringComparison.Ordinal);
        Assert.Contains("failed (intent ", audit[2].Message, StringComparison.Ordinal);
        Assert.Contains("HsmPinFileNotWritten", audit[2].Message, StringComparison.Ordinal);
        Assert.Contains("about to change the user PIN", audit[1].Message, StringComparison.Ordinal);
        Assert.Contains("succeeded (intent ", audit[0].Message, StringComparison.Ordinal);
        Assert.Contains($"the token of 'primary' and {pinFile} have the new PIN", audit[0].Message, StringComparison.Ordinal);
        Assert.All(audit, e => Assert.DoesNotContain(OldPin, e.Message, StringComparison.Ordinal));
        Assert.All(audit, e => Assert.DoesNotContain(NewPin, e.Message, StringComparison.Ordinal));
    }

    private static async Task<OpsClient> StartAsync(DaemonProcess d, SoftHsmToken token, string pinFile)
    {
        WriteConfig(d, new { Pkcs11 = new { LibraryPath = SoftHsmLibrary }, Primary = DirectMember(token, pinFile) });
        await d.StartAsync();
        var client = await d.ConnectAsync();
        await WaitForAsync(client, s => s.State == HsmOverallState.Connected, TimeSpan.FromSeconds(20), "Connected");
        return client;
    }

    private static string WritePin(string directory, string pin)
    {
        var path = Path.Combine(directory, "primary.pin");
        File.WriteAllText(path, pin + "\n");
        File.SetUnixFileMode(path, UnixFileMode.UserRead | UnixFileMode.UserWrite);
        return path;
    }

    private static bool TokenAccepts(SoftHsmToken token, string pin)
    {
        try { token.Tool("--login", "--pin", pin, "--list-objects"); return true; }
        catch (InvalidOperationException) { return false; }
    }

    private static void Fill(string path)
    {
        using var f = new FileStream(path, FileMode.Create, FileAccess.Write, FileShare.None, 1);
        var block = new byte[4096];
        try
        {
            while (true) { f.Write(block); f.Flush(); }
        }
        catch (IOException) { }
    }

    private static void AssertNoPins(DaemonProcess d, params string[] more)
    {
        foreach (var pin in new[] { OldPin, NewPin, "00000000" }.Except(more).Concat(more))
            Assert.DoesNotContain(pin, d.Output, StringComparison.Ordinal);
    }

    private static uint Uid(string user) => uint.Parse(Run("id", "-u", user).Trim(), System.Globalization.CultureInfo.InvariantCulture);

    private static string Run(string file, params string[] args)
    {
        var psi = new ProcessStartInfo(file) { RedirectStandardOutput = true, RedirectStandardError = true };
        foreach (var a in args) psi.ArgumentList.Add(a);
        using var p = Process.Start(psi)!;
        var output = p.StandardOutput.ReadToEnd() + p.StandardError.ReadToEnd();
        p.WaitForExit();
        if (p.ExitCode != 0) throw new InvalidOperationException($"{file} {string.Join(' ', args)} failed ({p.ExitCode}): {output}");
        return output;
    }
}
