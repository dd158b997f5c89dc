using Microsoft.CodeAnalysis;
using Microsoft.CodeAnalysis.CSharp;
using Microsoft.CodeAnalysis.CSharp.Syntax;
using StellaOps.Ops.TestSupport;

namespace StellaOps.Ops.Daemon.Tests;

/// <summary>
/// Every C# file of the product (daemon/, shared/, module/) declares exactly one top-level type, named after the
/// file. A type split by concern into partial files names each file <c>Type.Concern.cs</c>. Nested types are
/// part of their outer type. The test lists every violation at once.
/// </summary>
public sealed class SourceFileShapeTests
{
    private static readonly string[] Roots = ["daemon", "shared", "module"];

    /// <summary>Files that keep another shape on purpose, with why.</summary>
    private static readonly Dictionary<string, string> Exceptions = new(StringComparer.Ordinal)
    {
        ["shared/StellaOps.Ops.Contracts/Errors.cs"] =
            "holds OpsErrorCode: the append-only list of error codes keeps the file name the developer guide gives it",
        ["daemon/StellaOps.Ops.Daemon/Program.cs"] = "the daemon's entry point, top-level statements",
    };

    /// <summary>
    /// Paths (a file, or a folder ending in '/') not in shape yet, each with a comment saying why and who folds it.
    /// Empty since issue 10 item 5 was finished; StaleExclusionsAreRemoved fails while an entry hides nothing.
    /// </summary>
    private static readonly string[] NotYetInShape =
    [
    ];

    [Fact]
    public void EveryFileDeclaresOneTopLevelTypeNamedAfterIt()
    {
        var violations = SourceFiles()
            .Where(f => !Exceptions.ContainsKey(f) && !NotYetInShape.Any(p => f.StartsWith(p, StringComparison.Ordinal)))
            .SelectMany(f => Violations(f, File.ReadAllText(Path.Combine(RepositoryRoot.Path, f))))
            .ToList();
        Assert.True(violations.Count == 0, $"{violations.Count} file(s) out of shape (docs/architecture.md, \"How to add a capability\"):\n" + string.Join("\n", violations));
    }

    [Fact]
    public void StaleExclusionsAreRemoved()
    {
        var files = SourceFiles().ToList();
        var stale = NotYetInShape
            .Where(prefix => !files.Where(f => f.StartsWith(prefix, StringComparison.Ordinal))
                .Any(f => Violations(f, File.ReadAllText(Path.Combine(RepositoryRoot.Path, f))).Any()))
            .ToList();
        stale.AddRange(Exceptions.Keys.Where(f => !files.Contains(f)));
        Assert.True(stale.Count == 0, "These exclusions no longer hide anything; remove them from SourceFileShapeTests: " + string.Join(", ", stale));
    }

    [Theory]
    [InlineData("namespace A;\npublic sealed class Good { private sealed class Nested; }\n", "x/Good.cs", 0)]
    [InlineData("namespace A;\npublic partial class Good { }\n", "x/Good.Concern.cs", 0)]
    [InlineData("namespace A;\npublic class Good { }\n", "x/Good.Concern.cs", 1)]
    [InlineData("namespace A;\npublic sealed class Good;\npublic enum Second { One }\n", "x/Good.cs", 1)]
    [InlineData("namespace A;\npublic sealed record Other(int X);\n", "x/Good.cs", 1)]
    [InlineData("namespace A { public interface IGood { } }\n", "x/IGood.cs", 0)]
    [InlineData("namespace A;\npublic delegate void Bad();\npublic static class Good;\n", "x/Good.cs", 1)]
    [InlineData("namespace A;\n", "x/Empty.cs", 1)]
    public void TheRuleCountsTopLevelTypesOnly(string source, string path, int expected)
        => Assert.Equal(expected, Violations(path, source).Count());

    /// <summary>Repository-relative paths (forward slashes) of the product's C# files, build output left out.</summary>
    private static IEnumerable<string> SourceFiles() => Roots
        .Select(r => Path.Combine(RepositoryRoot.Path, r))
        .Where(Directory.Exists)
        .SelectMany(r => Directory.EnumerateFiles(r, "*.cs", SearchOption.AllDirectories))
        .Select(f => Path.GetRelativePath(RepositoryRoot.Path, f).Replace('\\', '/'))
        .Where(f => !f.Split('/').Any(part => part is "bin" or "obj"))
        .Order(StringComparer.Ordinal);

    internal static IEnumerable<string> Violations(string path, string source)
    {
        var root = CSharpSyntaxTree.ParseText(source, path: path).GetCompilationUnitRoot();
        var types = TopLevel(root.Members).ToList();
        var parts = Path.GetFileNameWithoutExtension(path).Split('.');
        var expected = parts[0];
        if (types.Count != 1)
        {
            yield return $"{path}: declares {(types.Count == 0 ? "no type" : string.Join(", ", types.Select(Name)))}; one type per file, the file named after it.";
            yield break;
        }
        var type = types[0];
        if (Name(type) != expected)
            yield return $"{path}: declares {Name(type)}; name the file {Name(type)}.cs.";
        else if (parts.Length > 1 && !type.Modifiers.Any(SyntaxKind.PartialKeyword))
            yield return $"{path}: {Name(type)} is not partial; only a partial type is split into Type.Concern.cs files.";
    }

    private static IEnumerable<MemberDeclarationSyntax> TopLevel(SyntaxList<MemberDeclarationSyntax> members)
    {
        foreach (var m in members)
        {
            if (m is BaseNamespaceDeclarationSyntax ns)
                foreach (var inner in TopLevel(ns.Members)) yield return inner;
            else if (m is BaseTypeDeclarationSyntax or DelegateDeclarationSyntax)
                yield return m;
        }
    }

    private static string Name(MemberDeclarationSyntax m) => m switch
    {
        BaseTypeDeclarationSyntax t => t.Identifier.Text,
        DelegateDeclarationSyntax d => d.Identifier.Text,
        _ => m.Kind().ToString(),
    };
}
