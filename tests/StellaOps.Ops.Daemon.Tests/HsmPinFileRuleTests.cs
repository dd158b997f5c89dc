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

    [Fact]
    public void Library_and_daemon_refuse_a_pin_file_that_is_a_link_or_belongs_to_someone_else()
    {
        // A 0600 file owned by another user (root can read it, but that user can rewrite it at will) ...
        string foreign = Path.Combine(_dir, "pin-foreign");
        File.WriteAllText(foreign, "123456\n");
        File.SetUnixFileMode(foreign, UnixFileMode.UserRead | UnixFileMode.UserWrite);
        Assert.Equal(0, StellaOps.Ops.Contracts.Unix.UnixUsers.Chown(foreign, 65534, 65534));
        // ... and a link to a private 0600 file (whoever made the link decides what is read).
        string target = Path.Combine(_dir, "pin-target");
        File.WriteAllText(target, "123456\n");
        File.SetUnixFileMode(target, UnixFileMode.UserRead | UnixFileMode.UserWrite);
        string link = Path.Combine(_dir, "pin-link");
        File.CreateSymbolicLink(link, target);

        foreach (var path in new[] { foreign, link })
        {
            Assert.NotNull(HsmPin.UntrustedPinFile(path));
            var library = Assert.Throws<HsmException>(() => HsmPin.FromFile(path)());
            var daemon = Assert.Throws<HsmException>(() => HsmService.PinSource("primary", new HsmMemberOptions { PinFile = path })());
            foreach (var e in new[] { library, daemon })
            {
                Assert.Contains(path, e.Message);
                Assert.DoesNotContain("123456", e.ToString());
            }
        }
        Assert.Null(HsmPin.UntrustedPinFile(target));
        Assert.Equal("123456"u8.ToArray(), HsmPin.FromFile(target)());
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
