namespace StellaOps.Ops.IntegrationTests;

/// <summary>
/// A stand-in for /tmp: a temporary directory of root's, sticky and writable by everyone, where the other test users
/// make their files (a directory "in advance", a fake server's socket) as they would in /tmp. Removed with everything in it.
/// </summary>
internal sealed class SharedDirectory : IDisposable
{
    public SharedDirectory(string prefix)
    {
        Root = Directory.CreateTempSubdirectory(prefix).FullName;
        File.SetUnixFileMode(Root, Mode("1777"));
    }

    public string Root { get; }

    public string PathOf(params string[] names) => Path.Combine([Root, .. names]);

    /// <summary>A directory of root's below the shared one, with the given octal mode (e.g. "0777" for one open to everyone).</summary>
    public string MakeDirectory(string name, string mode)
    {
        var path = PathOf(name);
        Directory.CreateDirectory(path);
        File.SetUnixFileMode(path, Mode(mode));
        return path;
    }

    public static UnixFileMode Mode(string octal) => (UnixFileMode)Convert.ToInt32(octal, 8);

    public void Dispose() => Directory.Delete(Root, recursive: true);
}
