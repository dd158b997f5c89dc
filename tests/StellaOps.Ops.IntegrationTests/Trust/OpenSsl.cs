using System.Diagnostics;

namespace StellaOps.Ops.IntegrationTests.Trust;

/// <summary>openssl as the independent judge of what the daemon made.</summary>
internal static class OpenSsl
{
    /// <summary>Checks a PKCS#10 request's self-signature with openssl; returns its subject line, or fails with openssl's output.</summary>
    public static string VerifyRequest(string csrFile)
    {
        var psi = new ProcessStartInfo("openssl") { RedirectStandardOutput = true, RedirectStandardError = true };
        foreach (var a in new[] { "req", "-in", csrFile, "-noout", "-verify", "-subject" }) psi.ArgumentList.Add(a);
        using var p = Process.Start(psi)!;
        var error = p.StandardError.ReadToEndAsync();
        var output = p.StandardOutput.ReadToEnd();
        p.WaitForExit();
        var all = output + error.GetAwaiter().GetResult();
        Assert.True(p.ExitCode == 0, $"openssl req -verify failed: {all}");
        Assert.Contains("verify OK", all, StringComparison.OrdinalIgnoreCase);
        return all;
    }
}
