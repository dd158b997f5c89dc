namespace StellaOps.Ops.TestSupport;

/// <summary>The checkout the tests run from: $STELLAOPS_REPO_ROOT (set by build.ps1), else the first directory above the test binaries that holds Directory.Build.props.</summary>
public static class RepositoryRoot
{
    public static string Path { get; } = Find();

    private static string Find()
    {
        var env = Environment.GetEnvironmentVariable("STELLAOPS_REPO_ROOT");
        if (!string.IsNullOrEmpty(env) && Directory.Exists(env)) return env;
        var dir = new DirectoryInfo(AppContext.BaseDirectory);
        while (dir is not null && !File.Exists(System.IO.Path.Combine(dir.FullName, "Directory.Build.props"))) dir = dir.Parent;
        return dir?.FullName ?? throw new InvalidOperationException("Cannot find the repository root above " + AppContext.BaseDirectory);
    }
}
