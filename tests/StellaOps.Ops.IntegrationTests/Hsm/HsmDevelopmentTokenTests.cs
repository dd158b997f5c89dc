using System.Collections.Concurrent;
using System.Text;
using StellaOps.Ops.Contracts.Rpc;
using static StellaOps.Ops.IntegrationTests.Hsm.HsmTestHost;

namespace StellaOps.Ops.IntegrationTests.Hsm;

/// <summary>
/// The per-user development token (build.ps1 start): initialised through PKCS#11 in the daemon's own process, so its
/// PINs never appear on a command line that any local user can read in /proc; it then holds an active signing key.
/// </summary>
public sealed class HsmDevelopmentTokenTests
{
    [Fact]
    public async Task Provisioning_the_development_token_puts_no_PIN_on_any_process_command_line_and_the_token_signs()
    {
        await using var d = new DaemonProcess(settings: new Dictionary<string, string> { ["Hsm:DevelopmentToken"] = "true" });
        // Every command line of every process (with its parent), read from /proc over and over while the daemon
        // provisions the token.
        var commandLines = new ConcurrentDictionary<(string CommandLine, int Parent), byte>();
        using var stop = new CancellationTokenSource();
        var watcher = new Thread(() =>
        {
            while (!stop.IsCancellationRequested)
            {
                foreach (var dir in Directory.EnumerateDirectories("/proc"))
                {
                    if (!char.IsAsciiDigit(Path.GetFileName(dir)[0])) continue;
                    try
                    {
                        var bytes = File.ReadAllBytes(Path.Combine(dir, "cmdline"));
                        // stat: "pid (comm) state ppid ...": the parent is the second field after the command name.
                        var stat = File.ReadAllText(Path.Combine(dir, "stat"));
                        var parent = int.Parse(stat[(stat.LastIndexOf(')') + 2)..].Split(' ')[1], System.Globalization.CultureInfo.InvariantCulture);
                        if (bytes.Length > 0) commandLines.TryAdd((Encoding.UTF8.GetString(bytes).Replace('\0', ' '), parent), 0);
                    }
                    catch (Exception e) when (e is IOException or UnauthorizedAccessException) { } // the process ended meanwhile
                }
            }
        }) { IsBackground = true };
        watcher.Start();
        try
        {
            await d.StartAsync();
        }
        finally
        {
            stop.Cancel();
            watcher.Join();
        }

        await using var client = await d.ConnectAsync();
        var pinFile = Path.Combine(d.StateDirectory, "softhsm", "user.pin");
        Assert.Equal("600", Convert.ToString((int)File.GetUnixFileMode(pinFile), 8));
        var pin = File.ReadAllText(pinFile).Trim();
        Assert.Equal(12, pin.Length);
        Assert.Contains(commandLines.Keys, c => c.CommandLine.Contains("stella-opsd", StringComparison.Ordinal) && c.CommandLine.Contains(d.StateDirectory, StringComparison.Ordinal));
        Assert.DoesNotContain(commandLines.Keys, c => c.CommandLine.Contains(pin, StringComparison.Ordinal));
        // The daemon started no helper process (softhsm2-util or other) to make the token.
        Assert.DoesNotContain(commandLines.Keys, c => c.Parent == d.ProcessId);

        // The token the daemon made works with the PIN it wrote: the self-test signs and the development key is active.
        await WaitForAsync(client, s => s.State == HsmOverallState.Connected, TimeSpan.FromSeconds(30), "Connected");
        var sign = Assert.Single(await client.Hsm.TestAsync(HsmTestOperation.Sign, CancellationToken.None));
        Assert.True(sign.Success, sign.Message);
        var status = await client.Attest.GetStatusAsync(CancellationToken.None);
        Assert.Null(status.KeyProblem);
        Assert.Equal((KeyProvider.Hsm, KeyStatus.Active, "stellaops-dev"), (status.SigningKey!.Provider, status.SigningKey.Status, status.SigningKey.Location));
    }
}
