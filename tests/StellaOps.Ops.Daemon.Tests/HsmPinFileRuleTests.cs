using System.Runtime.Versioning;
using StellaOps.Ops.Daemon.Hsm;
using StellaOps.Ops.Hsm;

namespace StellaOps.Ops.Daemon.Tests;

/// <summary>
/// One PIN-file permission rule: the library (<see cref="HsmPin.FromFile"/>) and the daemon
/// (<see cref="HsmService.PinSource"/>) refuse exactly the same modes, checked on real files. A second mask in either
/// place (the two once differed on group/other execute) makes one of these modes disagree.
/// </summary>
[UnsupportedOSPlatform("windows")]
public sealed class HsmPinFileRuleTests : IDisposable
{
    private readonly string _dir = Directory.CreateTempSubdirectory("pin-rule-").FullName;

    public static TheoryData<string, bool> Modes() => new()
    {
        { "0600", false },
        { "0400", false },
        { "0700", false },
        { "0640", true },
        { "0620", true },
        { "0610", true }, // group execute only
        { "0604", true },
        { "0602", true },
        { "0601", true }, // other execute only
        { "0660", true },
        { "0644", true },
        { "0711", true },
    };

    [Theory]
    [MemberData(nameof(Modes))]
    public void Library_and_daemon_refuse_the_same_pin_file_modes(string octalMode, bool refused)
    {
        string path = Path.Combine(_dir, "pin-" + octalMode);
        File.WriteAllText(path, "123456\n");
        File.SetUnixFileMode(path, (UnixFileMode)Convert.ToInt32(octalMode, 8));

        bool libraryRefuses = Refuses(() => HsmPin.FromFile(path)());
        bool daemonRefuses = Refuses(() => HsmService.PinSource("primary", new HsmMemberOptions { PinFile = path })());

        Assert.Equal(refused, libraryRefuses);
        Assert.Equal(refused, daemonRefuses);
        Assert.Equal(refused, HsmPin.RefusedPinFileMode(path) is not null);
    }

    private static bool Refuses(Func<byte[]> readPin)
    {
        try
        {
            Assert.Equal("123456"u8.ToArray(), readPin());
            return false;
        }
        catch (HsmException e)
        {
            Assert.Contains("accessible by group or others", e.Message);
            Assert.DoesNotContain("123456", e.ToString());
            return true;
        }
    }

    public void Dispose() => Directory.Delete(_dir, recursive: true);
}
