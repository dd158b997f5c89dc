namespace StellaOps.Ops.TestSupport;

/// <summary>The checkout the tests run from: the first directory above the test binaries that holds StellaOps.Ops.sln.</summary>
public static class RepositoryRoot
{
    public static string Path { get; } = Find();

    private static string Find()
    {
        var dir = new DirectoryInfo(AppContext.BaseDirectory);
        while (dir is not null && !File.Exists(System.IO.Path.Combine(dir.FullName, "StellaOps.Ops.sln"))) dir = dir.Parent;
        return dir?.FullName ?? throw new InvalidOperationException($"No StellaOps.Ops.sln above {AppContext.BaseDirectory}: cannot find the repository root.");
    }
}
