using System.Diagnostics;
using System.Text.Json.Nodes;
using StellaOps.Ops.TestSupport;

namespace StellaOps.Ops.TufRepository.Tests;

/// <summary>tuf-js (npm, tests/interop) as the independent client: one process per refresh, its cache kept between them.</summary>
public sealed class TufJsClient(string directory, string metadataUrl, string targetsUrl)
{
    public string MetadataDirectory { get; } = Path.Combine(directory, "metadata");

    public string TargetDirectory { get; } = Path.Combine(directory, "targets");

    public void Initialize(byte[] root)
    {
        Directory.CreateDirectory(MetadataDirectory);
        File.WriteAllBytes(Path.Combine(MetadataDirectory, "root.json"), root);
    }

    /// <summary>Refreshes and downloads <paramref name="targets"/>: (exit code, the JSON answer or the error text).</summary>
    public (int ExitCode, JsonObject? Answer, string Error) Refresh(params string[] targets)
    {
        var psi = new ProcessStartInfo("node") { RedirectStandardOutput = true, RedirectStandardError = true, UseShellExecute = false };
        foreach (var a in new[] { Path.Combine(RepositoryRoot.Path, "tests", "interop", "tuf-js-refresh.mjs"), metadataUrl, targetsUrl, MetadataDirectory, TargetDirectory }.Concat(targets))
            psi.ArgumentList.Add(a);
        using var p = Process.Start(psi)!;
        var stdout = p.StandardOutput.ReadToEndAsync();
        var stderr = p.StandardError.ReadToEndAsync();
        if (!p.WaitForExit(TimeSpan.FromSeconds(60))) { p.Kill(true); throw new TimeoutException("tuf-js did not finish"); }
        p.WaitForExit();
        return (p.ExitCode, p.ExitCode == 0 ? JsonNode.Parse(stdout.Result)!.AsObject() : null, stderr.Result);
    }

    public byte[] Target(JsonObject answer, string name) => File.ReadAllBytes(answer["files"]![name]!.GetValue<string>());
}
