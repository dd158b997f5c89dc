using System.Diagnostics;

namespace StellaOps.Ops.Attestation.Tests.Support;

/// <summary>
/// Runs Fixtures/openssl-dsse.sh: keys, DSSE signatures over the PAE and Sigstore bundles made by the openssl CLI and
/// jq, not by the code under test. One temporary directory per instance.
/// </summary>
internal sealed class OpensslDsse : IDisposable
{
    private static readonly string Script = Path.Combine(NodeInterop.RepoRoot, "tests", "StellaOps.Ops.Attestation.Tests", "Fixtures", "openssl-dsse.sh");

    public DirectoryInfo Dir { get; } = Directory.CreateTempSubdirectory("stellaops-openssl-");

    public string PathOf(string name) => Path.Combine(Dir.FullName, name);

    /// <summary>Generates a key pair; returns its key id (SHA-256 of the SPKI, computed by openssl).</summary>
    public string KeyGen(string name, string algorithm = "p256") => Run("keygen", PathOf(name), algorithm).Trim();

    public string PublicKeyPem(string name) => File.ReadAllText(PathOf(name + ".pub.pem"));

    /// <summary>Signs <paramref name="payload"/> with the named key (or a PEM private key path); returns the envelope JSON path.</summary>
    public string Sign(string keyName, byte[] payload, string? keyId, string output, string payloadType = "application/vnd.in-toto+json")
    {
        var payloadPath = PathOf(output + ".payload");
        File.WriteAllBytes(payloadPath, payload);
        var key = File.Exists(keyName) ? keyName : PathOf(keyName + ".key");
        Run("sign", key, payloadPath, keyId ?? "-", PathOf(output), payloadType);
        return PathOf(output);
    }

    /// <param name="timestamp">An RFC 3161 token file the bundle carries, or null.</param>
    public string BundleWithHint(string envelope, string version, string keyId, string output, string? timestamp = null)
    {
        RunWith(timestamp, "bundle", envelope, version, PathOf(output), "hint", keyId);
        return PathOf(output);
    }

    public string BundleWithCertificates(string envelope, string version, string output, params string[] pemPaths)
        => BundleWithCertificates(envelope, version, output, null, pemPaths);

    public string BundleWithCertificates(string envelope, string version, string output, string? timestamp, params string[] pemPaths)
    {
        RunWith(timestamp, [ "bundle", envelope, version, PathOf(output), "certs", .. pemPaths ]);
        return PathOf(output);
    }

    /// <summary>A time-stamping authority: <c>name-root.pem</c> (its CA) and <c>name.pem</c> (the TSA, timeStamping EKU).</summary>
    public string Tsa(string name)
    {
        Run("tsa", PathOf(name));
        return PathOf(name);
    }

    /// <summary>An RFC 3161 token by <paramref name="tsa"/> over <paramref name="data"/> (openssl ts); returns its path.</summary>
    public string Timestamp(string tsa, byte[] data, string output)
    {
        File.WriteAllBytes(PathOf(output + ".data"), data);
        Run("timestamp", tsa, PathOf(output + ".data"), PathOf(output));
        return PathOf(output);
    }

    private static string Run(params string[] args) => RunWith(null, args);

    private static string RunWith(string? timestamp, params string[] args)
    {
        var psi = new ProcessStartInfo("bash") { RedirectStandardOutput = true, RedirectStandardError = true, UseShellExecute = false };
        if (timestamp is not null) psi.Environment["TIMESTAMP"] = timestamp;
        psi.ArgumentList.Add(Script);
        foreach (var a in args) psi.ArgumentList.Add(a);
        using var p = Process.Start(psi)!;
        var stdout = p.StandardOutput.ReadToEndAsync();
        var stderr = p.StandardError.ReadToEnd();
        p.WaitForExit();
        if (p.ExitCode != 0) Assert.Fail($"openssl-dsse.sh {string.Join(' ', args)} failed ({p.ExitCode}): {stderr}");
        return stdout.Result;
    }

    public void Dispose()
    {
        try { Dir.Delete(recursive: true); } catch (IOException) { }
    }
}
