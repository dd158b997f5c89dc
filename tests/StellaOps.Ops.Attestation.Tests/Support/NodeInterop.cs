using System.Diagnostics;
using System.Security.Cryptography;
using System.Text;

namespace StellaOps.Ops.Attestation.Tests.Support;

/// <summary>
/// Runs tests/interop/verify-bundle.mjs and verify-tlog-inclusion.mjs (@sigstore/verify). Installs tests/interop/node_modules with
/// <c>npm ci</c> once if missing, under an in-process gate plus a cross-process file lock.
/// </summary>
internal static class NodeInterop
{
    private static readonly SemaphoreSlim Gate = new(1, 1);
    private static bool _installed;

    public static string RepoRoot { get; } = FindRepoRoot();

    public static string InteropDir => Path.Combine(RepoRoot, "tests", "interop");

    private static string FindRepoRoot()
    {
        var dir = new DirectoryInfo(AppContext.BaseDirectory);
        while (dir is not null && !File.Exists(Path.Combine(dir.FullName, "Directory.Build.props"))) dir = dir.Parent;
        return dir?.FullName ?? throw new InvalidOperationException($"No Directory.Build.props above {AppContext.BaseDirectory}: cannot find the repository root.");
    }

    public static async Task EnsureInstalledAsync()
    {
        if (_installed) return;
        await Gate.WaitAsync();
        try
        {
            if (_installed) return;
            if (!IsInstalled())
            {
                using var fileLock = await AcquireFileLockAsync();
                if (!IsInstalled())
                {
                    var (code, stdout, stderr) = await RunAsync("npm", ["ci", "--no-audit", "--no-fund"], TimeSpan.FromMinutes(5));
                    if (code != 0 || !IsInstalled())
                    {
                        Assert.Fail($"`npm ci --no-audit --no-fund` in {InteropDir} failed (exit {code}); the @sigstore/verify cross-check cannot run.\nstdout:\n{stdout}\nstderr:\n{stderr}");
                    }
                }
            }
            _installed = true;
        }
        finally
        {
            Gate.Release();
        }
    }

    private static bool IsInstalled() => File.Exists(Path.Combine(InteropDir, "node_modules", "@sigstore", "verify", "package.json"));

    private static async Task<FileStream> AcquireFileLockAsync()
    {
        var name = "stellaops-interop-npm-" + Convert.ToHexStringLower(SHA256.HashData(Encoding.UTF8.GetBytes(InteropDir)))[..16] + ".lock";
        var path = Path.Combine(Path.GetTempPath(), name);
        var deadline = DateTime.UtcNow + TimeSpan.FromMinutes(6);
        while (true)
        {
            try
            {
                return new FileStream(path, FileMode.OpenOrCreate, FileAccess.ReadWrite, FileShare.None);
            }
            catch (IOException) when (DateTime.UtcNow < deadline)
            {
                await Task.Delay(250);
            }
        }
    }

    /// <summary>Writes the bundle and key to a temp dir and runs verify-bundle.mjs. Returns exit code and output.</summary>
    public static async Task<(int ExitCode, string Stdout, string Stderr)> VerifyBundleAsync(string bundleJson, string publicKeyPem, params string[] extraArgs)
    {
        await EnsureInstalledAsync();
        return await RunScriptAsync("verify-bundle.mjs", [("bundle.json", bundleJson), ("key.pem", publicKeyPem)], extraArgs);
    }

    /// <summary>
    /// Runs tests/interop/verify-tlog-inclusion.mjs (@sigstore/verify's checkpoint and Merkle inclusion code alone) on a
    /// bundle's tlogEntries against the logs of a trusted root. Returns exit code and output.
    /// </summary>
    public static async Task<(int ExitCode, string Stdout, string Stderr)> VerifyTlogInclusionAsync(string bundleJson, string trustedRootJson)
    {
        await EnsureInstalledAsync();
        return await RunScriptAsync("verify-tlog-inclusion.mjs", [("bundle.json", bundleJson), ("trusted_root.json", trustedRootJson)], []);
    }

    /// <summary>Runs tests/interop/verify-dsse-webcrypto.mjs (Node's WebCrypto) on an envelope; used where @sigstore/verify cannot (ecdsa-p384).</summary>
    public static Task<(int ExitCode, string Stdout, string Stderr)> VerifyDsseWebCryptoAsync(string envelopeJson, string publicKeyPem)
        => RunScriptAsync("verify-dsse-webcrypto.mjs", [("envelope.json", envelopeJson), ("key.pem", publicKeyPem)], []);

    /// <summary>Writes <paramref name="files"/> to a temp dir and runs the interop script on their paths, in order, then <paramref name="extraArgs"/>.</summary>
    private static async Task<(int, string, string)> RunScriptAsync(string script, (string Name, string Content)[] files, string[] extraArgs)
    {
        var dir = Directory.CreateTempSubdirectory("stellaops-interop-");
        try
        {
            var paths = new List<string>();
            foreach (var (name, content) in files)
            {
                var path = Path.Combine(dir.FullName, name);
                await File.WriteAllTextAsync(path, content);
                paths.Add(path);
            }
            return await RunAsync("node", [Path.Combine(InteropDir, script), .. paths, .. extraArgs], TimeSpan.FromSeconds(60));
        }
        finally
        {
            try { dir.Delete(recursive: true); } catch (IOException) { }
        }
    }

    private static async Task<(int, string, string)> RunAsync(string fileName, IEnumerable<string> args, TimeSpan timeout)
    {
        var psi = new ProcessStartInfo(fileName)
        {
            WorkingDirectory = InteropDir,
            RedirectStandardOutput = true,
            RedirectStandardError = true,
            UseShellExecute = false,
        };
        foreach (var a in args) psi.ArgumentList.Add(a);
        Process process;
        try
        {
            process = Process.Start(psi) ?? throw new InvalidOperationException($"could not start {fileName}");
        }
        catch (System.ComponentModel.Win32Exception e)
        {
            Assert.Fail($"Cannot run '{fileName}' ({e.Message}). Node.js 20+ and npm must be on PATH for the @sigstore/verify cross-check.");
            throw;
        }
        using (process)
        {
            var stdout = process.StandardOutput.ReadToEndAsync();
            var stderr = process.StandardError.ReadToEndAsync();
            using var cts = new CancellationTokenSource(timeout);
            try
            {
                await process.WaitForExitAsync(cts.Token);
            }
            catch (OperationCanceledException)
            {
                process.Kill(entireProcessTree: true);
                Assert.Fail($"{fileName} {string.Join(' ', args)} timed out after {timeout}.");
            }
            return (process.ExitCode, await stdout, await stderr);
        }
    }
}
