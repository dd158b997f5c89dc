namespace StellaOps.Ops.Transparency.Verification;

/// <summary>
/// The signed-note key name of a log, from its base URL: the authority and path without scheme or trailing slash
/// (<c>https://rekor.sigstore.dev</c> → <c>rekor.sigstore.dev</c>, <c>http://127.0.0.1:5000/</c> → <c>127.0.0.1:5000</c>).
/// Rekor v1 checkpoints' origin is "&lt;name&gt; - &lt;tree id&gt;"; Rekor v2's origin is the name itself.
/// </summary>
public static class LogOrigins
{
    public static string NameOf(Uri baseUrl) => (baseUrl.Authority + baseUrl.AbsolutePath).TrimEnd('/');
}
